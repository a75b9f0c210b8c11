using FineTune.Build.Diagnostics;
using FineTune.Build.Documents;
using static FineTune.Build.Core.Tests.TestFiles;

namespace FineTune.Build.Core.Tests.Sources;

[TestClass]
public sealed class JsonlSourceReaderTests
{
    private static (List<Build.Sources.SourceRecord> Records, DiagnosticCollector Diagnostics) Jsonl(string text)
    {
        using var folder = new TempFolder();
        return ReadText(folder, "data.jsonl", text);
    }

    private static (List<Build.Sources.SourceRecord> Records, DiagnosticCollector Diagnostics) JsonlBytes(byte[] bytes)
    {
        using var folder = new TempFolder();
        return ReadBytes(folder, "data.jsonl", bytes);
    }

    [TestMethod]
    public void TokenColumns_AreCharacterColumns()
    {
        var (records, diagnostics) = Jsonl("{\"prompt\": \"a\", \"completion\": 5}\n");

        Assert.AreEqual("", Codes(diagnostics));
        var node = records[0].Node;
        Assert.AreEqual((1, 1), (node.Line, node.Column));
        var completion = node.Find("completion")!;
        Assert.AreEqual((1, 17), (completion.Line, completion.Column));
        Assert.AreEqual((1, 31), (completion.Value.Line, completion.Value.Column));
        Assert.AreEqual(ScalarKind.Number, ((ScalarNode)completion.Value).Kind);
    }

    [TestMethod]
    public void TokenColumns_AfterMultiByteCharacters_CountUtf16Chars()
    {
        // é is 2 UTF-8 bytes and 1 char; 😀 is 4 UTF-8 bytes and 2 chars (a surrogate pair).
        var (records, diagnostics) = Jsonl("{\"prompt\": \"😀é\", \"completion\": [1, \"x\"]}\n");

        Assert.AreEqual("", Codes(diagnostics));
        var completion = records[0].Node.Find("completion")!;
        Assert.AreEqual(19, completion.Column);
        var list = (ArrayNode)completion.Value;
        Assert.AreEqual(33, list.Column);
        Assert.AreEqual(34, list.Items[0].Column);
        Assert.AreEqual(37, list.Items[1].Column);
        Assert.AreEqual("😀é", ((ScalarNode)records[0].Node.Get("prompt")!).Text);
    }

    [TestMethod]
    public void Bom_IsSkippedAndNotCountedInColumns()
    {
        var bytes = new byte[] { 0xEF, 0xBB, 0xBF }.Concat(Utf8.GetBytes("{\"prompt\": \"a\", \"completion\": \"b\"}\n")).ToArray();
        var (records, diagnostics) = JsonlBytes(bytes);

        Assert.AreEqual("", Codes(diagnostics));
        Assert.AreEqual((1, 1), (records[0].Node.Line, records[0].Node.Column));
        Assert.AreEqual(31, records[0].Node.Get("completion")!.Column);
    }

    [TestMethod]
    public void CrlfBlankLinesAndNoTrailingNewline_LinesStayPhysical()
    {
        var (records, diagnostics) = Jsonl(
            "{\"prompt\": \"a\", \"completion\": \"b\"}\r\n\r\n   \t\r\n{\"prompt\": \"c\", \"completion\": \"d\"}\r\n\n{\"prompt\": \"e\", \"completion\": \"f\"}");

        Assert.AreEqual("", Codes(diagnostics));
        Assert.AreEqual("1 4 6", string.Join(" ", records.Select(r => r.Node.Line)));
        Assert.AreEqual("0 1 2", string.Join(" ", records.Select(r => r.Ordinal)));
        Assert.AreEqual("{\"prompt\": \"e\", \"completion\": \"f\"}", Json(records[2].Node));
    }

    [TestMethod]
    public void PrettyPrintedJson_IsFT1004AtLine1()
    {
        var (records, diagnostics) = Jsonl("{\n  \"prompt\": \"a\",\n  \"completion\": \"b\"\n}\n");

        Assert.IsEmpty(records);
        Assert.AreEqual("FT1004(1,2) FT1004(2,3) FT1004(3,3) FT1004(4,1)", Codes(diagnostics));
        StringAssert.Contains(diagnostics.Diagnostics[0].Message, "pretty-printed");
    }

    [TestMethod]
    public void TextAfterTheObject_IsFT1004AtTheText()
    {
        var (records, diagnostics) = Jsonl("{\"prompt\": \"a\", \"completion\": \"b\"} x\n{\"prompt\": \"c\", \"completion\": \"d\"}{\"prompt\": \"e\"}\n");

        Assert.IsEmpty(records);
        Assert.AreEqual("FT1004(1,36) FT1004(2,35)", Codes(diagnostics));
    }

    [TestMethod]
    [DataRow("[\"a\", \"b\"]", 1)]
    [DataRow("  42", 3)]
    [DataRow("\"text\"", 1)]
    [DataRow("\tnull", 2)]
    public void NonObjectLine_IsFT1004AtItsFirstToken(string line, int column)
    {
        var (records, diagnostics) = Jsonl("{\"prompt\": \"a\", \"completion\": \"b\"}\n" + line + "\n{\"prompt\": \"c\", \"completion\": \"d\"}\n");

        Assert.AreEqual($"FT1004(2,{column})", Codes(diagnostics));
        Assert.AreEqual("1 3", string.Join(" ", records.Select(r => r.Node.Line)));
    }

    [TestMethod]
    public void DuplicateKey_IsFT1008AtTheSecondKey()
    {
        var (records, diagnostics) = Jsonl("{\"prompt\": \"a\", \"prompt\": \"b\", \"completion\": \"c\"}\n");

        Assert.AreEqual("FT1008(1,17)", Codes(diagnostics));
        Assert.AreEqual("{\"prompt\": \"a\", \"completion\": \"c\"}", Json(records[0].Node));
    }

    [TestMethod]
    public void InvalidUtf8_IsFT1006AtTheCharacterColumn_OtherLinesRead()
    {
        var bytes = Utf8.GetBytes("{\"prompt\": \"a\", \"completion\": \"b\"}\n{\"prompt\": \"é")
            .Concat(new byte[] { 0xC3, 0x28 })
            .Concat(Utf8.GetBytes("\", \"completion\": \"b\"}\n{\"prompt\": \"c\", \"completion\": \"d\"}\n")).ToArray();
        var (records, diagnostics) = JsonlBytes(bytes);

        Assert.AreEqual("FT1006(2,14)", Codes(diagnostics));
        Assert.AreEqual("1 3", string.Join(" ", records.Select(r => r.Node.Line)));
    }

    [TestMethod]
    public void VeryLongLine_IsReadWhole_AndLaterColumnsAreExact()
    {
        // 150,000 'é' = 300,000 bytes: several times the reader's 64 KB buffer.
        var text = new string('é', 150_000);
        var (records, diagnostics) = Jsonl(
            "{\"prompt\": \"" + text + "\", \"completion\": \"b\", \"completion\": \"c\"}\n{\"prompt\": \"x\", \"completion\": \"y\"}\n");

        Assert.AreEqual($"FT1008(1,{150_000 + 35})", Codes(diagnostics));
        Assert.HasCount(2, records);
        Assert.AreEqual(text, ((ScalarNode)records[0].Node.Get("prompt")!).Text);
        Assert.AreEqual(150_000 + 16, records[0].Node.Find("completion")!.Column);
        Assert.AreEqual(150_000 + 30, records[0].Node.Get("completion")!.Column);
        Assert.AreEqual(2, records[1].Node.Line);
    }

    [TestMethod]
    public void TenMalformedLines_StopTheFile()
    {
        // "not json": the reader expects the literal null and fails at the "o" (column 2).
        var lines = Enumerable.Range(1, 12).Select(i => "not json " + i).Append("{\"prompt\": \"a\", \"completion\": \"b\"}");
        var (records, diagnostics) = Jsonl(string.Join("\n", lines) + "\n");

        Assert.IsEmpty(records);
        var expected = string.Join(" ", Enumerable.Range(1, 10).Select(i => $"FT1004({i},2)")) + " FT1004(10,1)";
        Assert.AreEqual(expected, Codes(diagnostics));
        StringAssert.Contains(diagnostics.Diagnostics[^1].Message, "Stopped reading");
    }

    [TestMethod]
    public void NineMalformedLines_DoNotStopTheFile()
    {
        var lines = Enumerable.Range(1, 9).Select(i => "{bad").Append("{\"prompt\": \"a\", \"completion\": \"b\"}");
        var (records, diagnostics) = Jsonl(string.Join("\n", lines));

        Assert.HasCount(1, records);
        Assert.AreEqual(10, records[0].Node.Line);
        Assert.AreEqual(9, diagnostics.ErrorCount);
    }

    [TestMethod]
    public void Values_KeepTypesAndNumbersAsWritten()
    {
        var (records, diagnostics) = Jsonl("{\"a\": 1.50, \"b\": -0, \"c\": 1e5, \"d\": true, \"e\": false, \"f\": null, \"g\": \"\\u00e9\\n\"}\n");

        Assert.AreEqual("", Codes(diagnostics));
        Assert.AreEqual("{\"a\": 1.50, \"b\": -0, \"c\": 1e5, \"d\": true, \"e\": false, \"f\": null, \"g\": \"\\u00e9\\n\"}", Json(records[0].Node));
    }

    [TestMethod]
    public void MissingFile_IsFT1001()
    {
        var diagnostics = Collector();
        var records = Read(new Build.Sources.SourceFile(Path.Combine(Path.GetTempPath(), "ftcore-missing-" + Guid.NewGuid().ToString("N"), "a.jsonl")), diagnostics);

        Assert.IsEmpty(records);
        Assert.AreEqual("FT1001(0,0)", Codes(diagnostics));
    }
}
