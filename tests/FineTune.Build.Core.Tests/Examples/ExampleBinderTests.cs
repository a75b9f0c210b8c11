using FineTune.Build.Diagnostics;
using FineTune.Build.Examples;
using FineTune.Build.Sources;
using static FineTune.Build.Core.Tests.TestFiles;

namespace FineTune.Build.Core.Tests.Examples;

[TestClass]
public sealed class ExampleBinderTests
{
    /// <summary>Reads a source text and binds every record; returns the bound JSON lines ("&lt;null&gt;" for rejected).</summary>
    private static (string Output, DiagnosticCollector Diagnostics) Bind(string name, string text, DatasetFormat format)
    {
        using var folder = new TempFolder();
        var path = folder.Write(name, text);
        var source = new SourceFile(path);
        var diagnostics = Collector();
        var records = Read(source, diagnostics);
        return (BindAll(source, records, format, diagnostics), diagnostics);
    }

    private static (List<Example?> Examples, DiagnosticCollector Diagnostics) BindExamples(string name, string text, DatasetFormat format, SplitPin split = SplitPin.None)
    {
        using var folder = new TempFolder();
        var source = new SourceFile(folder.Write(name, text)) { Split = split };
        var diagnostics = Collector();
        var binder = new ExampleBinder(diagnostics);
        return (Read(source, diagnostics).Select(r => binder.Bind(source, r, format)).ToList(), diagnostics);
    }

    [TestMethod]
    public void UnknownKey_IsReportedAtTheKey_WithTheValidKeys()
    {
        var (output, diagnostics) = Bind("a.jsonl", "{\"prompt\": \"a\", \"completion\": \"b\", \"label\": \"x\"}\n", DatasetFormat.Completion);

        Assert.AreEqual("<null>", output);
        Assert.AreEqual("FT2001(1,36)", Codes(diagnostics));
        var message = diagnostics.Diagnostics[0].Message;
        StringAssert.Contains(message, "'label'");
        StringAssert.Contains(message, "the keys are prompt, completion.");
    }

    [TestMethod]
    public void UnknownKeyInAMessage_ListsTheMessageKeys()
    {
        var (output, diagnostics) = Bind("a.yaml", "- messages:\n    - {role: user, content: hi, nmae: bob}\n    - {role: assistant, content: hello}\n", DatasetFormat.Chat);

        Assert.AreEqual("<null>", output);
        Assert.AreEqual("FT2001(2,33)", Codes(diagnostics));
        StringAssert.Contains(diagnostics.Diagnostics[0].Message, "role, name, content, tool_calls, tool_call_id, function_call, weight");
    }

    [TestMethod]
    public void EveryProblemOfAnExample_IsReported()
    {
        var (output, diagnostics) = Bind("a.jsonl", "{\"promt\": \"a\", \"completion\": 5, \"extra\": 1}\n", DatasetFormat.Completion);

        Assert.AreEqual("<null>", output);
        Assert.AreEqual("FT2001(1,2) FT2001(1,33) FT2002(1,1) FT2003(1,30)", Codes(diagnostics));
    }

    [TestMethod]
    public void MissingRequiredField_IsFT2002AtTheObject()
    {
        var (output, diagnostics) = Bind("a.jsonl", "{\"prompt\": \"a\"}\n{\"messages\": [{\"content\": \"hi\"}]}\n", DatasetFormat.Completion);

        Assert.AreEqual("<null>\n<null>", output);
        Assert.AreEqual("FT2002(1,1) FT2004(2,1)", Codes(diagnostics));
        StringAssert.Contains(diagnostics.Diagnostics[0].Message, "'completion'");
    }

    [TestMethod]
    public void MissingRole_IsFT2002AtTheMessage()
    {
        var (output, diagnostics) = Bind("a.jsonl", "{\"messages\": [{\"content\": \"hi\"}, {\"role\": \"assistant\", \"content\": \"ok\"}]}\n", DatasetFormat.Chat);

        Assert.AreEqual("<null>", output);
        Assert.AreEqual("FT2002(1,15)", Codes(diagnostics));
        StringAssert.Contains(diagnostics.Diagnostics[0].Message, "'role'");
    }

    [TestMethod]
    public void JsonNumberForAStringField_IsFT2003AtTheValue()
    {
        var (output, diagnostics) = Bind("a.jsonl", "{\"prompt\": \"😀\", \"completion\": 5}\n", DatasetFormat.Completion);

        Assert.AreEqual("<null>", output);
        Assert.AreEqual("FT2003(1,32)", Codes(diagnostics));
        StringAssert.Contains(diagnostics.Diagnostics[0].Message, "'completion' must be a string, not a number");
    }

    [TestMethod]
    public void YamlPlainScalars_AreCoercedToTheFieldType()
    {
        const string yaml = """
            - messages:
                - role: user
                  content: yes
                - role: assistant
                  content: 42
                  weight: 1
              parallel_tool_calls: false
            """;
        var (output, diagnostics) = Bind("a.yaml", yaml + "\n", DatasetFormat.Chat);

        Assert.AreEqual("", Codes(diagnostics));
        Assert.AreEqual(
            "{\"messages\": [{\"role\": \"user\", \"content\": \"yes\"}, {\"role\": \"assistant\", \"content\": \"42\", \"weight\": 1}], \"parallel_tool_calls\": false}",
            output);
    }

    [TestMethod]
    public void YamlCompletionYes_IsTheStringYes()
    {
        var (output, diagnostics) = Bind("a.yaml", "- prompt: 1.5\n  completion: yes\n- prompt: true\n  completion: ~x\n", DatasetFormat.Completion);

        Assert.AreEqual("", Codes(diagnostics));
        Assert.AreEqual("{\"prompt\": \"1.5\", \"completion\": \"yes\"}\n{\"prompt\": \"true\", \"completion\": \"~x\"}", output);
    }

    [TestMethod]
    [DataRow("weight: yes", "FT2003(4,15)")]
    [DataRow("weight: \"1\"", "FT2003(4,15)")]
    [DataRow("weight: 1.0", "")]
    public void YamlWeight_MustBeANumber(string weightLine, string expected)
    {
        var yaml = "- messages:\n    - {role: user, content: hi}\n    - role: assistant\n      " + weightLine + "\n      content: ok\n";
        var (_, diagnostics) = Bind("a.yaml", yaml, DatasetFormat.Chat);

        Assert.AreEqual(expected, Codes(diagnostics));
    }

    [TestMethod]
    public void QuotedFalse_IsNotABoolean()
    {
        var (output, diagnostics) = Bind("a.yaml", "- messages:\n    - {role: user, content: hi}\n  parallel_tool_calls: \"false\"\n", DatasetFormat.Chat);

        Assert.AreEqual("<null>", output);
        Assert.AreEqual("FT2003(3,24)", Codes(diagnostics));
    }

    [TestMethod]
    public void YamlNullCompletion_IsFT2003()
    {
        var (output, diagnostics) = Bind("a.yaml", "- prompt: a\n  completion: null\n", DatasetFormat.Completion);

        Assert.AreEqual("<null>", output);
        Assert.AreEqual("FT2003(2,15)", Codes(diagnostics));
    }

    [TestMethod]
    public void ChatExampleInACompletionProject_IsFT2004()
    {
        var (output, diagnostics) = Bind("a.yaml", "- prompt: a\n  completion: b\n- messages:\n    - {role: user, content: hi}\n", DatasetFormat.Completion);

        Assert.AreEqual("{\"prompt\": \"a\", \"completion\": \"b\"}\n<null>", output);
        Assert.AreEqual("FT2004(3,3)", Codes(diagnostics));
        StringAssert.Contains(diagnostics.Diagnostics[0].Message, "chat example");
    }

    [TestMethod]
    public void DbpediaLikeRecord_IsFT2009()
    {
        var (output, diagnostics) = Bind("a.jsonl", "{\"text\": \"Abbey Road\", \"category\": \"Album\"}\n{}\n", DatasetFormat.Chat);

        Assert.AreEqual("<null>\n<null>", output);
        Assert.AreEqual("FT2009(1,1) FT2009(2,1)", Codes(diagnostics));
        StringAssert.Contains(diagnostics.Diagnostics[0].Message, "text, category");
        StringAssert.Contains(diagnostics.Diagnostics[0].Message, "messages");
    }

    [TestMethod]
    public void RealDbpediaFile_Every200LinesIsFT2009()
    {
        var source = new SourceFile(Shared("dbpedia_samples.jsonl"));
        var diagnostics = Collector();
        var output = BindAll(source, Read(source, diagnostics), DatasetFormat.Completion, diagnostics);

        Assert.AreEqual(string.Join("\n", Enumerable.Repeat("<null>", 200)), output);
        Assert.AreEqual(string.Join(" ", Enumerable.Range(1, 200).Select(i => $"FT2009({i},1)")), Codes(diagnostics));
    }

    [TestMethod]
    [DataRow("{\"prompt\": \"\", \"completion\": \"b\"}", "FT2005(1,12)")]
    [DataRow("{\"prompt\": \" \\n\", \"completion\": \"b\"}", "FT2005(1,12)")]
    [DataRow("{\"prompt\": \"a\", \"completion\": \"\"}", "FT2005(1,31)")]
    [DataRow("{\"messages\": [{\"role\": \"user\", \"content\": \"  \"}]}", "FT2005(1,43)")]
    [DataRow("{\"messages\": [{\"role\": \"user\", \"content\": []}]}", "FT2005(1,43)")]
    [DataRow("{\"messages\": []}", "FT2002(1,14)")]
    public void EmptyText_IsReportedAtTheValue(string line, string expected)
    {
        var format = line.Contains("messages") ? DatasetFormat.Chat : DatasetFormat.Completion;
        var (output, diagnostics) = Bind("a.jsonl", line + "\n", format);

        Assert.AreEqual("<null>", output);
        Assert.AreEqual(expected, Codes(diagnostics));
    }

    [TestMethod]
    public void YamlEmptyValue_IsFT2005()
    {
        var (output, diagnostics) = Bind("a.yaml", "- prompt:\n  completion: b\n", DatasetFormat.Completion);

        Assert.AreEqual("<null>", output);
        Assert.AreEqual("FT2005(1,10)", Codes(diagnostics));
    }

    [TestMethod]
    public void MessageWithoutContent_IsFT2002_UnlessAnAssistantCallsTools()
    {
        const string calls = "\"tool_calls\": [{\"id\": \"call_1\", \"type\": \"function\", \"function\": {\"name\": \"takeoff\", \"arguments\": \"{}\"}}]";
        var text =
            "{\"messages\": [{\"role\": \"user\"}, {\"role\": \"assistant\", \"content\": \"ok\"}]}\n" +
            "{\"messages\": [{\"role\": \"user\", \"content\": \"fly\"}, {\"role\": \"assistant\", " + calls + "}]}\n" +
            "{\"messages\": [{\"role\": \"user\", \"content\": \"fly\"}, {\"role\": \"assistant\", \"content\": null, " + calls + "}]}\n" +
            "{\"messages\": [{\"role\": \"user\", \"content\": \"fly\"}, {\"role\": \"assistant\", \"content\": null}]}\n";
        var (output, diagnostics) = Bind("a.jsonl", text, DatasetFormat.Chat);

        Assert.AreEqual("FT2002(1,15) FT2002(4,51)", Codes(diagnostics));
        var lines = output.Split('\n');
        Assert.AreEqual("<null>", lines[0]);
        Assert.AreEqual("{\"messages\": [{\"role\": \"user\", \"content\": \"fly\"}, {\"role\": \"assistant\", " + calls + "}]}", lines[1]);
        Assert.AreEqual("{\"messages\": [{\"role\": \"user\", \"content\": \"fly\"}, {\"role\": \"assistant\", \"content\": null, " + calls + "}]}", lines[2]);
        Assert.AreEqual("<null>", lines[3]);
        StringAssert.Contains(diagnostics.Diagnostics[1].Message, "tool_calls");
    }

    [TestMethod]
    public void PreferenceExample_FromTheCorrectedOpenApiSpec_BindsByteForByte()
    {
        var path = Shared("derived/openapi_pr465_FineTunePreferenceRequestInput_example.jsonl");
        var source = new SourceFile(path);
        var diagnostics = Collector();
        var output = BindAll(source, Read(source, diagnostics), DatasetFormat.Preference, diagnostics);

        Assert.AreEqual("", Codes(diagnostics));
        Assert.AreEqual(File.ReadAllText(path).TrimEnd('\n'), output);
    }

    [TestMethod]
    public void PreferenceExample_FromTheOpenApiMainSpec_FailsOnItsWrongKeys()
    {
        var path = Shared("derived/openapi_main_FineTunePreferenceRequestInput_example.jsonl");
        var line = File.ReadAllLines(path)[0];
        var source = new SourceFile(path);
        var diagnostics = Collector();
        var output = BindAll(source, Read(source, diagnostics), DatasetFormat.Preference, diagnostics);

        Assert.AreEqual("<null>", output);
        var preferred = line.IndexOf("\"preferred_completion\"", StringComparison.Ordinal) + 1;
        var nonPreferred = line.IndexOf("\"non_preferred_completion\"", StringComparison.Ordinal) + 1;
        Assert.AreEqual($"FT2001(1,{preferred}) FT2001(1,{nonPreferred}) FT2002(1,1) FT2002(1,1)", Codes(diagnostics));
        StringAssert.Contains(diagnostics.Diagnostics[0].Message, "input, preferred_output, non_preferred_output");
        StringAssert.Contains(diagnostics.Diagnostics[2].Message, "'preferred_output'");
        StringAssert.Contains(diagnostics.Diagnostics[3].Message, "'non_preferred_output'");
    }

    [TestMethod]
    public void CanonicalKeyOrder_IsTheFormatsOrder()
    {
        var (output, diagnostics) = Bind("a.jsonl",
            "{\"completion\": \"b\", \"prompt\": \"a\"}\n",
            DatasetFormat.Completion);
        var (chat, chatDiagnostics) = Bind("b.jsonl",
            "{\"tools\": [{\"function\": {\"parameters\": {\"z\": 1, \"a\": 2}, \"name\": \"f\"}, \"type\": \"function\"}], \"parallel_tool_calls\": true, \"messages\": [{\"content\": \"hi\", \"role\": \"user\"}]}\n",
            DatasetFormat.Chat);

        Assert.AreEqual("", Codes(diagnostics) + Codes(chatDiagnostics));
        Assert.AreEqual("{\"prompt\": \"a\", \"completion\": \"b\"}", output);
        Assert.AreEqual(
            "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"parallel_tool_calls\": true, \"tools\": [{\"type\": \"function\", \"function\": {\"name\": \"f\", \"parameters\": {\"z\": 1, \"a\": 2}}}]}",
            chat);
    }

    [TestMethod]
    public void IdAndSplit_AreStrippedFromTheOutputAndKeptOnTheExample()
    {
        var (examples, diagnostics) = BindExamples("a.jsonl",
            "{\"id\": \"ex-1\", \"prompt\": \"a\", \"split\": \"Validation\", \"completion\": \"b\"}\n{\"prompt\": \"c\", \"completion\": \"d\"}\n",
            DatasetFormat.Completion, SplitPin.Train);

        Assert.AreEqual("", Codes(diagnostics));
        Assert.AreEqual("{\"prompt\": \"a\", \"completion\": \"b\"}", Json(examples[0]!.Body));
        Assert.AreEqual("ex-1", examples[0]!.Id);
        Assert.AreEqual(SplitPin.Validation, examples[0]!.Split);
        Assert.IsNull(examples[1]!.Id);
        Assert.AreEqual(SplitPin.Train, examples[1]!.Split);
        Assert.AreEqual((2, 1), (examples[1]!.Line, examples[1]!.Column));
        Assert.AreEqual(1, examples[1]!.Ordinal);
    }

    [TestMethod]
    public void InvalidSplit_IsFT2008AtTheValue()
    {
        var (output, diagnostics) = Bind("a.yaml", "- prompt: a\n  completion: b\n  split: test\n", DatasetFormat.Completion);

        Assert.AreEqual("<null>", output);
        Assert.AreEqual("FT2008(3,10)", Codes(diagnostics));
        StringAssert.Contains(diagnostics.Diagnostics[0].Message, "'test'");
    }

    [TestMethod]
    public void JsonNumberSplit_IsOneDiagnosticNotTwo()
    {
        // A wrong-typed split is one mistake: it should be reported once.
        var (output, diagnostics) = Bind("a.jsonl", "{\"prompt\": \"a\", \"completion\": \"b\", \"split\": 1}\n", DatasetFormat.Completion);

        Assert.AreEqual("<null>", output);
        Assert.HasCount(1, diagnostics.Diagnostics, Codes(diagnostics));
    }

    [TestMethod]
    public void RealChatFile_ToyChat_BindsWithoutErrors()
    {
        var source = new SourceFile(Shared("toy_chat_fine_tuning.jsonl"));
        var diagnostics = Collector();
        var output = BindAll(source, Read(source, diagnostics), DatasetFormat.Chat, diagnostics);

        Assert.AreEqual("", Codes(diagnostics));
        Assert.AreEqual(5, output.Split('\n').Length);
    }
}
