using System.Text;
using FineTune.Build.Compilation;
using FineTune.Build.Diagnostics;
using FineTune.Build.Sources;
using FineTune.Build.Tokens;
using static FineTune.Build.Core.Tests.TestFiles;

namespace FineTune.Build.Core.Tests.Sources;

/// <summary>Each reader limit ends as its located FT code, with the limit set low so the inputs stay small.</summary>
[TestClass]
public sealed class ReaderLimitsTests
{
    private static (List<SourceRecord> Records, DiagnosticCollector Diagnostics) ReadWith(string name, string text, ReaderLimits limits)
    {
        using var folder = new TempFolder();
        var path = folder.Write(name, text);
        var diagnostics = Collector();
        return (Read(new SourceFile(path) { Limits = limits }, diagnostics), diagnostics);
    }

    private static string Message(DiagnosticCollector diagnostics, string code)
        => diagnostics.Diagnostics.First(d => d.Code == code).Message;

    [TestMethod]
    public void Yaml_NestingDeeperThanLimit_IsFT1010_AndStopsTheFile()
    {
        var (records, diagnostics) = ReadWith("data.yaml",
            "- prompt: [[[[[x]]]]]\n  completion: b\n- prompt: a\n  completion: b\n",
            ReaderLimits.Default with { MaxNestingDepth = 4 });

        Assert.AreEqual("FT1010(1,14)", Codes(diagnostics));
        StringAssert.Contains(Message(diagnostics, "FT1010"), "FineTuneMaxNestingDepth");
        Assert.AreEqual(0, records.Count);
    }

    [TestMethod]
    public void Yaml_100000LevelsDeep_IsFT1010_NotAStackOverflow()
    {
        var text = "- prompt: " + new string('[', 100_000) + new string(']', 100_000) + "\n  completion: b\n";
        var (records, diagnostics) = ReadWith("data.yaml", text, ReaderLimits.Default);

        Assert.AreEqual("FT1010(1,74)", Codes(diagnostics));
        Assert.AreEqual(0, records.Count);
    }

    [TestMethod]
    public void Yaml_AliasThroughAnAliasedValueDeeperThanLimit_IsFT1010()
    {
        var (_, diagnostics) = ReadWith("data.yaml",
            "x-deep: &d [[[x]]]\nexamples:\n- prompt: [*d]\n  completion: b\n",
            ReaderLimits.Default with { MaxNestingDepth = 4 });

        Assert.AreEqual("FT1010(3,12)", Codes(diagnostics));
    }

    [TestMethod]
    public void Yaml_BillionLaughs_IsFT1011_AtTheDefinition()
    {
        var text = new StringBuilder("x-a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for (var i = 1; i < 9; i++)
        {
            var previous = (char)('a' + i - 1);
            var name = (char)('a' + i);
            text.Append($"x-{name}: &{name} [{string.Join(", ", Enumerable.Repeat("*" + previous, 10))}]\n");
        }

        text.Append("examples:\n- prompt: *i\n  completion: b\n- prompt: a\n  completion: b\n");
        var (records, diagnostics) = ReadWith("data.yaml", text.ToString(), ReaderLimits.Default);

        // x-d already uses 1110 aliases (10 + 100 + 1000); every later definition and use is over the limit too.
        Assert.AreEqual("FT1011", diagnostics.Diagnostics[0].Code);
        Assert.AreEqual(4, diagnostics.Diagnostics[0].Line);
        StringAssert.Contains(diagnostics.Diagnostics[0].Message, "FineTuneMaxAliases");
        Assert.AreEqual(1, records.Count, "the example after the bomb is still read");
    }

    [TestMethod]
    public void Yaml_ExpandedSizeOverLimit_IsFT1016()
    {
        var (records, diagnostics) = ReadWith("data.yaml",
            "x-t: &t " + new string('y', 50) + "\nexamples:\n- prompt: [*t, *t, *t]\n  completion: b\n",
            ReaderLimits.Default with { MaxExampleBytes = 120 });

        Assert.AreEqual("FT1016(3,20)", Codes(diagnostics));
        StringAssert.Contains(Message(diagnostics, "FT1016"), "FineTuneMaxExampleBytes");
        Assert.AreEqual(0, records.Count);
    }

    [TestMethod]
    public void Yaml_MoreKeysThanLimit_IsFT1012()
    {
        var (records, diagnostics) = ReadWith("data.yaml",
            "- {prompt: a, completion: b, k1: 1, k2: 2}\n- {prompt: a, completion: b}\n",
            ReaderLimits.Default with { MaxKeysPerObject = 3 });

        Assert.AreEqual("FT1012(1,3)", Codes(diagnostics));
        Assert.AreEqual(1, records.Count);
    }

    [TestMethod]
    public void Yaml_ManyDuplicateKeys_AreAllReported()
    {
        var keys = string.Concat(Enumerable.Range(0, 40).Select(i => $"k{i}: 1\n  "));
        var (_, diagnostics) = ReadWith("data.yaml", "- " + keys + "k39: 2\n  k0: 3\n", ReaderLimits.Default);

        Assert.AreEqual("FT1008(41,3) FT1008(42,3)", Codes(diagnostics));
    }

    [TestMethod]
    public void Yaml_ScalarLongerThanLimit_IsFT1014_AndStopsTheFile()
    {
        var (records, diagnostics) = ReadWith("data.yaml",
            "- prompt: a\n  completion: b\n- prompt: " + new string('z', 50_000) + "\n  completion: b\n",
            ReaderLimits.Default with { MaxValueBytes = 1000 });

        Assert.AreEqual("FT1014", string.Join(" ", diagnostics.Diagnostics.Select(d => d.Code)));
        StringAssert.Contains(Message(diagnostics, "FT1014"), "FineTuneMaxValueBytes");
        Assert.AreEqual(1, records.Count);
    }

    [TestMethod]
    public void Yaml_MoreExamplesThanLimit_IsFT1017()
    {
        var (records, diagnostics) = ReadWith("data.yaml",
            "- {prompt: a, completion: b}\n- {prompt: a, completion: b}\n- {prompt: a, completion: b}\n",
            ReaderLimits.Default with { MaxExamplesPerFile = 2 });

        Assert.AreEqual("FT1017(3,3)", Codes(diagnostics));
        Assert.AreEqual(2, records.Count);
    }

    [TestMethod]
    public void Jsonl_NestingDeeperThanLimit_IsFT1010_AndTheNextLineIsRead()
    {
        var (records, diagnostics) = ReadWith("data.jsonl",
            "{\"prompt\": [[[[\"x\"]]]], \"completion\": \"b\"}\n{\"prompt\": \"a\", \"completion\": \"b\"}\n",
            ReaderLimits.Default with { MaxNestingDepth = 4 });

        Assert.AreEqual("FT1010", string.Join(" ", diagnostics.Diagnostics.Select(d => d.Code)));
        Assert.AreEqual(1, diagnostics.Diagnostics[0].Line);
        StringAssert.Contains(Message(diagnostics, "FT1010"), "FineTuneMaxNestingDepth");
        Assert.AreEqual(1, records.Count);
    }

    [TestMethod]
    public void Jsonl_MoreKeysThanLimit_IsFT1012()
    {
        var (records, diagnostics) = ReadWith("data.jsonl",
            "{\"prompt\": \"a\", \"completion\": \"b\", \"x\": {\"a\": 1, \"b\": 2, \"c\": 3, \"d\": 4}}\n",
            ReaderLimits.Default with { MaxKeysPerObject = 3 });

        Assert.AreEqual("FT1012(1,41)", Codes(diagnostics));
        Assert.AreEqual(0, records.Count);
    }

    [TestMethod]
    public void Jsonl_MoreMessagesThanLimit_IsFT1013()
    {
        var messages = string.Join(", ", Enumerable.Repeat("{\"role\": \"user\", \"content\": \"hi\"}", 5));
        var (records, diagnostics) = ReadWith("data.jsonl", "{\"messages\": [" + messages + "]}\n",
            ReaderLimits.Default with { MaxMessagesPerExample = 4 });

        Assert.AreEqual("FT1013(1,14)", Codes(diagnostics));
        StringAssert.Contains(Message(diagnostics, "FT1013"), "FineTuneMaxMessagesPerExample");
        Assert.AreEqual(0, records.Count);
    }

    [TestMethod]
    public void Jsonl_LineLongerThanLimit_IsFT1015_AndTheNextLineIsRead()
    {
        var longLine = "{\"prompt\": \"" + new string('a', 300_000) + "\", \"completion\": \"b\"}";
        var (records, diagnostics) = ReadWith("data.jsonl",
            longLine + "\n{\"prompt\": \"a\", \"completion\": \"b\"}\n",
            ReaderLimits.Default with { MaxLineBytes = 1000 });

        Assert.AreEqual("FT1015(1,1)", Codes(diagnostics));
        StringAssert.Contains(Message(diagnostics, "FT1015"), "300033 bytes");
        Assert.AreEqual(1, records.Count);
        Assert.AreEqual(2, records[0].Node.Line);
    }

    [TestMethod]
    public void Jsonl_StringLongerThanValueLimit_IsFT1014()
    {
        var (_, diagnostics) = ReadWith("data.jsonl", "{\"prompt\": \"" + new string('a', 100) + "\", \"completion\": \"b\"}\n",
            ReaderLimits.Default with { MaxValueBytes = 50 });

        Assert.AreEqual("FT1014(1,12)", Codes(diagnostics));
    }

    [TestMethod]
    public void Jsonl_CrOnlyLineEnds_AreLineEnds()
    {
        var (records, diagnostics) = ReadWith("data.jsonl",
            "{\"prompt\": \"a\", \"completion\": \"b\"}\r{\"prompt\": \"c\", \"completion\": \"d\"}\r\r\n{\"prompt\": \"e\", \"completion\": 5}\r",
            ReaderLimits.Default);

        Assert.AreEqual("", Codes(diagnostics));
        Assert.AreEqual("1 2 4", string.Join(" ", records.Select(r => r.Node.Line)));
        Assert.AreEqual(31, records[2].Node.Get("completion")!.Column);
    }

    [TestMethod]
    public void Jsonl_MoreExamplesThanLimit_IsFT1017()
    {
        var (records, diagnostics) = ReadWith("data.jsonl",
            string.Concat(Enumerable.Repeat("{\"prompt\": \"a\", \"completion\": \"b\"}\n\n", 3)),
            ReaderLimits.Default with { MaxExamplesPerFile = 2 });

        Assert.AreEqual("FT1017(5,1)", Codes(diagnostics));
        Assert.AreEqual(2, records.Count);
    }

    [TestMethod]
    public void Csv_CellLongerThanLimit_IsFT1014_AtTheCell_AndTheNextRowIsRead()
    {
        var (records, diagnostics) = ReadWith("data.csv",
            "prompt,completion\na,\"" + new string('x', 100) + "\"\nc,d\n",
            ReaderLimits.Default with { MaxValueBytes = 50 });

        Assert.AreEqual("FT1014(2,3)", Codes(diagnostics));
        Assert.AreEqual(1, records.Count);
    }

    [TestMethod]
    public void Csv_RowLongerThanLimit_IsFT1015()
    {
        var (records, diagnostics) = ReadWith("data.csv",
            "prompt,completion\na," + new string('x', 100) + "\nc,d\n",
            ReaderLimits.Default with { MaxLineBytes = 50 });

        Assert.AreEqual("FT1015(2,1)", Codes(diagnostics));
        Assert.AreEqual(1, records.Count);
    }

    [TestMethod]
    public void Csv_ManyColumnsOnMultiLineRow_KeepCellLocations()
    {
        var (records, diagnostics) = ReadWith("data.csv",
            "a,prompt,b,completion\n\"x\ny\",p,\"1\n2\n3\",c\n",
            ReaderLimits.Default);

        Assert.AreEqual("", Codes(diagnostics));
        var completion = records[0].Node.Get("completion")!;
        Assert.AreEqual((5, 4), (completion.Line, completion.Column));
        var prompt = records[0].Node.Get("prompt")!;
        Assert.AreEqual((3, 4), (prompt.Line, prompt.Column));
    }

    [TestMethod]
    public void Settings_InvalidLimit_IsFT0001_NamingTheProperty()
    {
        var settings = new CompileSettings { OutputDirectory = "out", DatasetName = "d" };
        settings.Limits["FineTuneMaxNestingDepth"] = "5000";
        settings.Limits["FineTuneMaxAliases"] = "12";
        settings.Sources.Add(("a.jsonl", new Dictionary<string, string?>()));
        var diagnostics = Collector();

        Assert.IsNull(settings.ToOptions(diagnostics));
        Assert.AreEqual("FT0001", string.Join(" ", diagnostics.Diagnostics.Select(d => d.Code)));
        StringAssert.Contains(diagnostics.Diagnostics[0].Message, "FineTuneMaxNestingDepth");

        settings.Limits["FineTuneMaxNestingDepth"] = "7";
        var options = settings.ToOptions(Collector())!;
        Assert.AreEqual(7, options.Sources[0].Limits.MaxNestingDepth);
        Assert.AreEqual(12, options.Sources[0].Limits.MaxAliases);
    }

    [TestMethod]
    public void Tokens_LongRunOfOneLetter_IsCountedInPieces_CloseToTheExactCount()
    {
        var counter = TokenCounter.Create(TokenEncodings.O200kBase);
        var text = "Say " + new string('a', 1000) + " now";

        var exact = counter.EncodeToIds(text).Count;
        var counted = counter.CountTokens(text);

        Assert.IsTrue(Math.Abs(exact - counted) <= 4, $"exact {exact}, counted {counted}");
        Assert.AreEqual(counter.CountTokens("Say hello now"), counter.EncodeToIds("Say hello now").Count);
    }
}
