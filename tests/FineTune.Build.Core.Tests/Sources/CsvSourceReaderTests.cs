using FineTune.Build.Diagnostics;
using FineTune.Build.Documents;
using FineTune.Build.Examples;
using FineTune.Build.Sources;
using static FineTune.Build.Core.Tests.TestFiles;

namespace FineTune.Build.Core.Tests.Sources;

[TestClass]
public sealed class CsvSourceReaderTests
{
    private static (List<SourceRecord> Records, DiagnosticCollector Diagnostics) Csv(
        string text, string name = "data.csv", string? prompt = null, string? completion = null,
        string? system = null, string? user = null, string? assistant = null)
    {
        using var folder = new TempFolder();
        return CsvBytes(folder, Utf8.GetBytes(text), name, prompt, completion, system, user, assistant);
    }

    private static (List<SourceRecord> Records, DiagnosticCollector Diagnostics) CsvBytes(
        TempFolder folder, byte[] bytes, string name = "data.csv", string? prompt = null, string? completion = null,
        string? system = null, string? user = null, string? assistant = null)
    {
        var path = folder.WriteBytes(name, bytes);
        var source = new SourceFile(path)
        {
            PromptTemplate = prompt,
            CompletionTemplate = completion,
            SystemMessage = system,
            UserTemplate = user,
            AssistantTemplate = assistant,
        };
        var diagnostics = Collector();
        return (Read(source, diagnostics), diagnostics);
    }

    private static ScalarNode Value(SourceRecord record, string key) => (ScalarNode)record.Node.Get(key)!;

    private static string At(Node node) => $"({node.Line},{node.Column})";

    [TestMethod]
    public void EmptyFile_IsFT1005_HeaderRequired()
    {
        var (records, diagnostics) = Csv("");

        Assert.IsEmpty(records);
        Assert.AreEqual("FT1005(1,1)", Codes(diagnostics));
    }

    [TestMethod]
    public void HeaderOnly_HasNoExamples()
    {
        var (records, diagnostics) = Csv("prompt,completion\n");

        Assert.IsEmpty(records);
        Assert.AreEqual("", Codes(diagnostics));
    }

    [TestMethod]
    public void NoPromptColumnsAndNoTemplates_IsFT2010()
    {
        var (records, diagnostics) = Csv("text,label\na,b\n");

        Assert.IsEmpty(records);
        Assert.AreEqual("FT2010(1,1)", Codes(diagnostics));
    }

    [TestMethod]
    public void DirectColumns_CaseInsensitive_WithCellLocations()
    {
        var (records, diagnostics) = Csv("Other,PROMPT,Completion\nx,Hello there,yes\nyy,\"Quoted, with comma\",no\n");

        Assert.AreEqual("", Codes(diagnostics));
        Assert.HasCount(2, records);
        Assert.AreEqual("{\"prompt\": \"Hello there\", \"completion\": \"yes\"}", Json(records[0].Node));
        Assert.AreEqual("(2,3)", At(Value(records[0], "prompt")));
        Assert.AreEqual("(2,15)", At(Value(records[0], "completion")));
        Assert.AreEqual("Quoted, with comma", Value(records[1], "prompt").Text);
        Assert.AreEqual("(3,4)", At(Value(records[1], "prompt")));
        Assert.AreEqual("(3,25)", At(Value(records[1], "completion")));
        Assert.AreEqual((3, 1), (records[1].Node.Line, records[1].Node.Column));
    }

    [TestMethod]
    public void BomAndCrlf_HeaderStillRecognised()
    {
        using var folder = new TempFolder();
        var bytes = new byte[] { 0xEF, 0xBB, 0xBF }.Concat(Utf8.GetBytes("prompt,completion\r\nCafé,oui\r\nb,c\r\n")).ToArray();
        var (records, diagnostics) = CsvBytes(folder, bytes);

        Assert.AreEqual("", Codes(diagnostics));
        Assert.HasCount(2, records);
        Assert.AreEqual("{\"prompt\": \"Caf\\u00e9\", \"completion\": \"oui\"}", Json(records[0].Node));
        Assert.AreEqual("(2,6)", At(Value(records[0], "completion")));
        Assert.AreEqual("(3,3)", At(Value(records[1], "completion")));
    }

    [TestMethod]
    public void QuotedFieldsSpanningLines_GiveThePhysicalLineOfRowAndCell()
    {
        var (records, diagnostics) = Csv(
            "prompt,completion\n\"line one\nline two\",yes\nnext,\"multi\nline\ncompletion\"\nlast,x\n");

        Assert.AreEqual("", Codes(diagnostics));
        Assert.HasCount(3, records);
        Assert.AreEqual("line one\nline two", Value(records[0], "prompt").Text);
        Assert.AreEqual("(2,1)", At(Value(records[0], "prompt")));
        Assert.AreEqual("(3,11)", At(Value(records[0], "completion")));
        Assert.AreEqual("(4,1)", At(records[1].Node));
        Assert.AreEqual("(4,6)", At(Value(records[1], "completion")));
        Assert.AreEqual("multi\nline\ncompletion", Value(records[1], "completion").Text);
        Assert.AreEqual("(7,1)", At(records[2].Node));
        Assert.AreEqual("(7,6)", At(Value(records[2], "completion")));
    }

    [TestMethod]
    public void EscapedQuotes_AreUnescaped()
    {
        var (records, diagnostics) = Csv("prompt,completion\n\"She said \"\"hi\"\"\",\"\"\"\"\n");

        Assert.AreEqual("", Codes(diagnostics));
        Assert.AreEqual("She said \"hi\"", Value(records[0], "prompt").Text);
        Assert.AreEqual("\"", Value(records[0], "completion").Text);
    }

    [TestMethod]
    public void Templates_FillFromColumns_WithEscapesAndLiteralBraces()
    {
        var (records, diagnostics) = Csv(
            "Company,Product,Ad,Supported\nBHFF insurance,allround insurance,One stop shop!,yes\n",
            prompt: "Company: {Company}\\nProduct: {Product}\\nAd:{Ad}\\n{{Supported}}: {{{Supported}}}\\t\\\\n",
            completion: "{Supported}");

        Assert.AreEqual("", Codes(diagnostics));
        Assert.AreEqual(
            "Company: BHFF insurance\nProduct: allround insurance\nAd:One stop shop!\n{Supported}: {yes}\t\\n",
            Value(records[0], "prompt").Text);
        Assert.AreEqual("{\"prompt\": \"Company: BHFF insurance\\nProduct: allround insurance\\nAd:One stop shop!\\n{Supported}: {yes}\\t\\\\n\", \"completion\": \"yes\"}", Json(records[0].Node));
        Assert.AreEqual("(2,1)", At(Value(records[0], "prompt")));
        Assert.AreEqual("(2,50)", At(Value(records[0], "completion")));
    }

    [TestMethod]
    public void EmptyCellUsedByTemplate_IsFT2007AtTheCell_RowSkipped()
    {
        var (records, diagnostics) = Csv(
            "Company,Ad,Supported\nAcme,,yes\nBeta,\"\",no\nGamma,Fine,\n",
            prompt: "Company: {Company}\\nAd:{Ad}", completion: "{Supported}");

        Assert.IsEmpty(records);
        Assert.AreEqual("FT2007(2,6) FT2007(3,6) FT2007(4,12)", Codes(diagnostics));
        StringAssert.Contains(diagnostics.Diagnostics[0].Message, "'Ad'");
    }

    [TestMethod]
    public void EmptyCellNotUsedByAnyTemplate_IsFine()
    {
        var (records, diagnostics) = Csv("Company,Notes,Supported\nAcme,,yes\n", prompt: "{Company}", completion: "{Supported}");

        Assert.AreEqual("", Codes(diagnostics));
        Assert.HasCount(1, records);
    }

    [TestMethod]
    public void UnknownPlaceholder_IsFT2006At1_1_NothingRead()
    {
        var (records, diagnostics) = Csv("Company,Ad,Supported\nAcme,Buy,yes\n", prompt: "{Company} {Adv}", completion: "{supported} {Label}");

        Assert.IsEmpty(records);
        Assert.AreEqual("FT2006(1,1) FT2006(1,1)", Codes(diagnostics));
        StringAssert.Contains(diagnostics.Diagnostics[0].Message, "{Adv}");
        StringAssert.Contains(diagnostics.Diagnostics[1].Message, "{Label}");
    }

    [TestMethod]
    [DataRow("{Company")]
    [DataRow("Company}")]
    public void UnbalancedBrace_IsFT2006(string template)
    {
        var (records, diagnostics) = Csv("Company,Supported\nAcme,yes\n", prompt: template, completion: "{Supported}");

        Assert.IsEmpty(records);
        Assert.AreEqual("FT2006(1,1)", Codes(diagnostics));
    }

    [TestMethod]
    public void IdAndSplitColumns_AreReadAsMetadata()
    {
        var (records, diagnostics) = Csv("prompt,completion,ID,Split\na,b,ex-1,validation\nc,d,,\n");

        Assert.AreEqual("", Codes(diagnostics));
        Assert.AreEqual("{\"prompt\": \"a\", \"completion\": \"b\", \"id\": \"ex-1\", \"split\": \"validation\"}", Json(records[0].Node));
        Assert.AreEqual("(2,5)", At(records[0].Node.Get("id")!));
        Assert.AreEqual("(2,10)", At(records[0].Node.Get("split")!));
        Assert.AreEqual("{\"prompt\": \"c\", \"completion\": \"d\"}", Json(records[1].Node));
    }

    [TestMethod]
    public void ChatTemplates_BuildMessages()
    {
        var (records, diagnostics) = Csv(
            "Supplier,Description,Classification\nAcme Ltd,Roof repair,Building Improvement\n",
            system: "Classify the transaction.", user: "{Supplier}: {Description}", assistant: "{Classification}");

        Assert.AreEqual("", Codes(diagnostics));
        Assert.AreEqual(
            "{\"messages\": [{\"role\": \"system\", \"content\": \"Classify the transaction.\"}, {\"role\": \"user\", \"content\": \"Acme Ltd: Roof repair\"}, {\"role\": \"assistant\", \"content\": \"Building Improvement\"}]}",
            Json(records[0].Node));
        var messages = (ArrayNode)records[0].Node.Get("messages")!;
        Assert.AreEqual("(2,22)", At(((ObjectNode)messages.Items[2]).Get("content")!));
    }

    [TestMethod]
    public void ColumnCountMismatch_IsFT1005AtTheRow()
    {
        var (records, diagnostics) = Csv("prompt,completion\na,b\nc,d,e\nf,g\n");

        // The bad row is reported and skipped; reading goes on, so every bad row is reported in one build.
        Assert.HasCount(2, records);
        Assert.AreEqual("FT1005(3,1)", Codes(diagnostics));
    }

    [TestMethod]
    public void ColumnCountMismatch_AfterAMultiLineRow_IsAtThePhysicalLine()
    {
        var (records, diagnostics) = Csv("prompt,completion\n\"a\nb\nc\",d\nonly-one-field\n");

        Assert.HasCount(1, records);
        Assert.AreEqual("FT1005(5,1)", Codes(diagnostics));
    }

    [TestMethod]
    public void UnterminatedQuote_IsFT1005AtTheOpeningQuote()
    {
        var (records, diagnostics) = Csv("prompt,completion\na,b\nc,\"never closed\n");

        Assert.HasCount(1, records);
        Assert.AreEqual("FT1005(3,3)", Codes(diagnostics));
    }

    [TestMethod]
    public void Tsv_SplitsOnTabs_CommasAreText()
    {
        var (records, diagnostics) = Csv("prompt\tcompletion\nHello, world\tyes, sir\n", name: "data.tsv");

        Assert.AreEqual("", Codes(diagnostics));
        Assert.AreEqual("{\"prompt\": \"Hello, world\", \"completion\": \"yes, sir\"}", Json(records[0].Node));
        Assert.AreEqual("(2,14)", At(Value(records[0], "completion")));
    }

    [TestMethod]
    public void InvalidUtf8_IsFT1006()
    {
        using var folder = new TempFolder();
        var bytes = Utf8.GetBytes("prompt,completion\nab,c").Concat(new byte[] { 0xFE }).Concat(Utf8.GetBytes("\n")).ToArray();
        var (records, diagnostics) = CsvBytes(folder, bytes);

        Assert.IsEmpty(records);
        Assert.AreEqual("FT1006(2,5)", Codes(diagnostics));
    }

    [TestMethod]
    public void InvalidUtf8_InsideAQuotedMultiLineCell_IsFT1006AtItsPhysicalLineAndCharacterColumn()
    {
        using var folder = new TempFolder();
        // Line 3 is the cell's second line: "sé" is 2 characters, so the bad byte is character 3.
        var bytes = Utf8.GetBytes("prompt,completion\n\"first line\nsé").Concat(new byte[] { 0xFE }).Concat(Utf8.GetBytes("cond\",c\nd,e\n")).ToArray();
        var (records, diagnostics) = CsvBytes(folder, bytes);

        Assert.IsEmpty(records);
        Assert.AreEqual("FT1006(3,3)", Codes(diagnostics));
    }

    [TestMethod]
    public void InvalidUtf8_TruncatedSequenceAtTheEndOfTheFile_IsFT1006()
    {
        using var folder = new TempFolder();
        // The first byte of a two-byte character (é is C3 A9) as the file's last byte, after "a,caf" on line 2.
        var bytes = Utf8.GetBytes("prompt,completion\nx,y\na,caf").Concat(new byte[] { 0xC3 }).ToArray();
        var (_, diagnostics) = CsvBytes(folder, bytes);

        Assert.AreEqual("FT1006(3,6)", Codes(diagnostics));
    }

    [TestMethod]
    public void InvalidUtf8_InTheHeader_IsFT1006()
    {
        using var folder = new TempFolder();
        var bytes = Utf8.GetBytes("prompt,compl").Concat(new byte[] { 0xE9 }).Concat(Utf8.GetBytes("tion\na,b\n")).ToArray();
        var (records, diagnostics) = CsvBytes(folder, bytes);

        Assert.IsEmpty(records);
        Assert.AreEqual("FT1006(1,13)", Codes(diagnostics));
    }

    [TestMethod]
    public void Utf16File_IsFT1006_NotDecodedAsUtf16()
    {
        using var folder = new TempFolder();
        var bytes = new byte[] { 0xFF, 0xFE }.Concat(System.Text.Encoding.Unicode.GetBytes("prompt,completion\na,b\n")).ToArray();
        var (records, diagnostics) = CsvBytes(folder, bytes);

        Assert.IsEmpty(records);
        Assert.AreEqual("FT1006(1,1)", Codes(diagnostics));
    }

    [TestMethod]
    public void InvalidUtf8_FarIntoTheFile_IsFT1006AtItsLine_RowsBeforeItAreRead()
    {
        // Validated while parsing: the error is found where Sep reaches it (well past the first read buffer), and
        // the rows before it have been read in order; none after it.
        using var folder = new TempFolder();
        var text = new System.Text.StringBuilder("prompt,completion\n");
        for (var i = 0; i < 20_000; i++)
        {
            text.Append("prompt ").Append(i).Append(",completion ").Append(i).Append('\n');
        }

        var bytes = Utf8.GetBytes(text.ToString()).Concat(Utf8.GetBytes("bad,by")).Concat(new byte[] { 0x80 }).Concat(Utf8.GetBytes("te\nlast,row\n")).ToArray();
        var (records, diagnostics) = CsvBytes(folder, bytes);

        Assert.AreEqual("FT1006(20002,7)", Codes(diagnostics));
        Assert.IsTrue(records.Count is > 0 and <= 20_000, $"{records.Count} rows read");
        for (var i = 0; i < records.Count; i++)
        {
            Assert.AreEqual(i, records[i].Ordinal);
            Assert.AreEqual($"prompt {i}", Value(records[i], "prompt").Text);
        }
    }

    [TestMethod]
    public void RealFile_LabelledTransactions_101RowsWithPhysicalLines()
    {
        var source = new SourceFile(Shared("labelled_transactions.csv"))
        {
            PromptTemplate = "{Supplier} {Description}",
            CompletionTemplate = "{Classification}",
        };
        var diagnostics = Collector();
        var records = Read(source, diagnostics);

        Assert.AreEqual("", Codes(diagnostics));
        Assert.HasCount(101, records);
        Assert.AreEqual(string.Join(" ", Enumerable.Range(2, 101)), string.Join(" ", records.Select(r => r.Node.Line)));
        Assert.AreEqual("{\"prompt\": \"Creative Video Productions Ltd Kelvin Hall\", \"completion\": \"Other\"}", Json(records[0].Node));
        Assert.AreEqual("{\"prompt\": \"AM Phillip Vehicle Purchase\", \"completion\": \"Other\"}", Json(records[100].Node));
        Assert.AreEqual("(102,46)", At(Value(records[100], "completion")));
        Assert.AreEqual("(2,12)", At(Value(records[0], "prompt")));
        var labels = records.Select(r => Value(r, "completion").Text).Distinct().Order(StringComparer.Ordinal);
        Assert.AreEqual("Building Improvement|Literature & Archive|Other|Software/IT|Utility Bills", string.Join("|", labels));
    }

    [TestMethod]
    public void RealFile_ColumnWithPoundSign_UsableInATemplate()
    {
        var source = new SourceFile(Shared("labelled_transactions.csv"))
        {
            PromptTemplate = "{Supplier} paid £{Transaction value (£)}",
            CompletionTemplate = "{Classification}",
        };
        var diagnostics = Collector();
        var records = Read(source, diagnostics);

        Assert.AreEqual("", Codes(diagnostics));
        Assert.AreEqual("Creative Video Productions Ltd paid £26866", Value(records[0], "prompt").Text);
        Assert.AreEqual("{\"prompt\": \"AM Phillip paid \\u00a326604\", \"completion\": \"Other\"}", Json(records[100].Node));
    }

    [TestMethod]
    public void RealFile_BindsAsCompletionExamples()
    {
        var source = new SourceFile(Shared("labelled_transactions.csv"))
        {
            PromptTemplate = "{Supplier} {Description}",
            CompletionTemplate = "{Classification}",
        };
        var diagnostics = Collector();
        var bound = BindAll(source, Read(source, diagnostics), DatasetFormat.Completion, diagnostics);

        Assert.AreEqual("", Codes(diagnostics));
        Assert.AreEqual(101, bound.Split('\n').Length);
        Assert.DoesNotContain("<null>", bound);
    }
}
