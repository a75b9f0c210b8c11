using FineTune.Build.Diagnostics;
using FineTune.Build.Documents;
using static FineTune.Build.Core.Tests.TestFiles;

namespace FineTune.Build.Core.Tests.Sources;

[TestClass]
public sealed class YamlSourceReaderTests
{
    private static (List<Build.Sources.SourceRecord> Records, DiagnosticCollector Diagnostics) Yaml(string text)
    {
        using var folder = new TempFolder();
        return ReadText(folder, "examples.yaml", text);
    }

    private static ScalarNode Scalar(ObjectNode node, string key) => (ScalarNode)node.Get(key)!;

    [TestMethod]
    public void ListDocument_ReadsEachExampleWithKeyAndValueLocations()
    {
        var (records, diagnostics) = Yaml("- prompt: \"a\"\n  completion: b\n- prompt: c\n  completion:   d\n");

        Assert.AreEqual("", Codes(diagnostics));
        Assert.HasCount(2, records);
        var first = records[0].Node;
        Assert.AreEqual((1, 3), (first.Line, first.Column));
        var prompt = first.Find("prompt")!;
        Assert.AreEqual((1, 3), (prompt.Line, prompt.Column));
        Assert.AreEqual((1, 11), (prompt.Value.Line, prompt.Value.Column));
        Assert.AreEqual(ScalarKind.String, Scalar(first, "prompt").Kind);
        Assert.AreEqual(ScalarKind.Plain, Scalar(first, "completion").Kind);
        var completion = records[1].Node.Find("completion")!;
        Assert.AreEqual((4, 3), (completion.Line, completion.Column));
        Assert.AreEqual((4, 17), (completion.Value.Line, completion.Value.Column));
        Assert.AreEqual((0, 1), (records[0].Ordinal, records[1].Ordinal));
        Assert.AreEqual("{\"prompt\": \"c\", \"completion\": \"d\"}", Json(records[1].Node));
    }

    [TestMethod]
    public void ExamplesMapping_ReadsTheExamplesList()
    {
        var (records, diagnostics) = Yaml("examples:\n  - prompt: p1\n    completion: c1\n  - prompt: p2\n    completion: c2\n");

        Assert.AreEqual("", Codes(diagnostics));
        Assert.HasCount(2, records);
        Assert.AreEqual((2, 5), (records[0].Node.Line, records[0].Node.Column));
        Assert.AreEqual((4, 5), (records[1].Node.Line, records[1].Node.Column));
        Assert.AreEqual((5, 17), (records[1].Node.Get("completion")!.Line, records[1].Node.Get("completion")!.Column));
    }

    [TestMethod]
    public void SeveralDocuments_AreReadInOrderWithRunningOrdinals()
    {
        var (records, diagnostics) = Yaml(
            "- prompt: a\n  completion: b\n---\nexamples:\n  - prompt: c\n    completion: d\n---\n- prompt: e\n  completion: f\n...\n");

        Assert.AreEqual("", Codes(diagnostics));
        Assert.AreEqual("a c e", string.Join(" ", records.Select(r => Scalar(r.Node, "prompt").Text)));
        Assert.AreEqual("0 1 2", string.Join(" ", records.Select(r => r.Ordinal)));
        Assert.AreEqual("1 5 8", string.Join(" ", records.Select(r => r.Node.Line)));
    }

    [TestMethod]
    public void LiteralAndFoldedBlocks_KeepTheirText()
    {
        var (records, diagnostics) = Yaml(
            "- prompt: |-\n    Company: BHFF insurance\n    Supported:\n  completion: >\n    one\n    two\n\n    three\n");

        Assert.AreEqual("", Codes(diagnostics));
        var prompt = Scalar(records[0].Node, "prompt");
        Assert.AreEqual("Company: BHFF insurance\nSupported:", prompt.Text);
        Assert.IsTrue(prompt.IsBlock);
        Assert.AreEqual((1, 11), (prompt.Line, prompt.Column));
        Assert.AreEqual("one two\nthree\n", Scalar(records[0].Node, "completion").Text);
    }

    [TestMethod]
    public void AnchorsAliasesAndMergeKeys_ShareDefinitions()
    {
        const string yaml = """
            x-system: &system
              role: system
              content: You are Marv.
            examples:
              - messages:
                  - *system
                  - {role: user, content: Hi}
              - messages:
                  - <<: *system
                    content: Overridden
                  - &greeting {role: user, content: Hello}
              - messages:
                  - *greeting
            """;
        var (records, diagnostics) = Yaml(yaml + "\n");

        Assert.AreEqual("", Codes(diagnostics));
        Assert.HasCount(3, records);
        Assert.AreEqual("{\"messages\": [{\"role\": \"system\", \"content\": \"You are Marv.\"}, {\"role\": \"user\", \"content\": \"Hi\"}]}", Json(records[0].Node));
        var merged = (ObjectNode)((ArrayNode)records[1].Node.Get("messages")!).Items[0];
        Assert.AreEqual("Overridden", Scalar(merged, "content").Text);
        Assert.AreEqual("system", Scalar(merged, "role").Text);
        Assert.AreEqual(2, merged.Properties.Count);
        Assert.AreEqual("{\"messages\": [{\"role\": \"user\", \"content\": \"Hello\"}]}", Json(records[2].Node));
    }

    [TestMethod]
    public void AliasToUndefinedAnchor_IsASyntaxErrorAtTheAlias()
    {
        var (_, diagnostics) = Yaml("- messages:\n    - *missing\n");

        Assert.AreEqual("FT1003(2,7)", Codes(diagnostics));
    }

    [TestMethod]
    public void TopLevelKeys_XKeysAllowedOthersAreFT2001()
    {
        var (records, diagnostics) = Yaml(
            "x-shared: &s {role: system, content: hi}\nname: ads\nexamples:\n  - prompt: a\n    completion: b\nversion: 2\n");

        Assert.AreEqual("FT2001(2,1) FT2001(6,1)", Codes(diagnostics));
        Assert.AreEqual(DiagnosticSeverity.Error, diagnostics.Diagnostics[0].Severity);
        StringAssert.Contains(diagnostics.Diagnostics[0].Message, "'name'");
        Assert.HasCount(1, records);
    }

    [TestMethod]
    public void MappingWithoutExamples_IsFT1007AtTheMapping()
    {
        var (records, diagnostics) = Yaml("# header\nprompt: a\ncompletion: b\n");

        Assert.AreEqual("FT2001(2,1) FT2001(3,1) FT1007(2,1)", Codes(diagnostics));
        Assert.IsEmpty(records);
    }

    [TestMethod]
    public void DuplicateKey_IsFT1008AtTheSecondKey_FirstValueKept()
    {
        var (records, diagnostics) = Yaml("- prompt: a\n  completion: b\n  prompt: c\n");

        Assert.AreEqual("FT1008(3,3)", Codes(diagnostics));
        Assert.AreEqual("a", Scalar(records[0].Node, "prompt").Text);
    }

    [TestMethod]
    public void SyntaxError_IsFT1003AtTheOffendingCharacter_AfterEarlierExamples()
    {
        var (records, diagnostics) = Yaml("- prompt: a\n  completion: b\n- prompt: c: d\n  completion: e\n");

        Assert.AreEqual("FT1003(3,12)", Codes(diagnostics));
        Assert.HasCount(1, records);
    }

    [TestMethod]
    public void BadIndentation_IsFT1003WithALocation()
    {
        var (_, diagnostics) = Yaml("- prompt: a\n completion: b\n");

        Assert.HasCount(1, diagnostics.Diagnostics);
        var d = diagnostics.Diagnostics[0];
        Assert.AreEqual("FT1003", d.Code);
        Assert.AreEqual(2, d.Line);
        Assert.IsGreaterThan(0, d.Column);
        Assert.DoesNotContain("(Line:", d.Message);
    }

    [TestMethod]
    public void InvalidUtf8_IsFT1006AtLineAndCharacterColumn()
    {
        using var folder = new TempFolder();
        var bytes = Utf8.GetBytes("- prompt: café\n  completion: né").Concat(new byte[] { 0xFF }).Concat(Utf8.GetBytes("x\n")).ToArray();
        var (_, diagnostics) = ReadBytes(folder, "bad.yaml", bytes);

        Assert.AreEqual("FT1006(2,17)", Codes(diagnostics));
    }

    [TestMethod]
    [DataRow("")]
    [DataRow("# only a comment\n")]
    [DataRow("---\n...\n")]
    [DataRow("examples: []\n")]
    public void EmptySources_HaveNoExamplesAndNoDiagnostics(string text)
    {
        var (records, diagnostics) = Yaml(text);

        Assert.AreEqual("", Codes(diagnostics));
        Assert.IsEmpty(records);
    }

    [TestMethod]
    public void ScalarDocument_IsFT1007()
    {
        var (records, diagnostics) = Yaml("# comment\n  hello world\n");

        Assert.AreEqual("FT1007(2,3)", Codes(diagnostics));
        Assert.IsEmpty(records);
    }

    [TestMethod]
    public void ScalarListItem_IsFT1007AtTheItem_OtherItemsStillRead()
    {
        var (records, diagnostics) = Yaml("- just text\n- prompt: a\n  completion: b\n");

        Assert.AreEqual("FT1007(1,3)", Codes(diagnostics));
        Assert.HasCount(1, records);
    }

    [TestMethod]
    public void UnquotedCommaInFlowMapping_IsJoinedBackWithFT1009Warning()
    {
        const string yaml = """
            - messages:
                - {role: system, content: Marv is a factual chatbot that is also sarcastic.}
                - {role: user, content: What's the capital of France?}
                - {role: assistant, content: Paris, as if everyone doesn't know that already.}
            """;
        var (records, diagnostics) = Yaml(yaml + "\n");

        Assert.AreEqual("FT1009(4,41)", Codes(diagnostics));
        Assert.AreEqual(DiagnosticSeverity.Warning, diagnostics.Diagnostics[0].Severity);
        var assistant = (ObjectNode)((ArrayNode)records[0].Node.Get("messages")!).Items[2];
        Assert.AreEqual("Paris, as if everyone doesn't know that already.", Scalar(assistant, "content").Text);
        Assert.AreEqual((4, 34), (assistant.Get("content")!.Line, assistant.Get("content")!.Column));
        Assert.AreEqual(2, assistant.Properties.Count);
    }

    [TestMethod]
    public void FlowMappingCommaWithoutSpace_IsNotJoined_TheBinderReportsTheStrayKey()
    {
        // In {...} a comma always ends a plain scalar: "Paris,London" reads as content "Paris" and a key "London".
        // One word after the comma is not joined (it could be a real key), so the binder reports it as unknown.
        using var folder = new TempFolder();
        var (records, diagnostics) = ReadText(folder, "chat.yaml", "- messages:\n    - {role: assistant, content: Paris,London}\n");

        Assert.AreEqual("", Codes(diagnostics));
        var assistant = (ObjectNode)((ArrayNode)records[0].Node.Get("messages")!).Items[0];
        Assert.AreEqual("Paris", Scalar(assistant, "content").Text);
        var source = new Build.Sources.SourceFile(folder.File("chat.yaml"));
        Assert.AreEqual("<null>", BindAll(source, records, Build.Examples.DatasetFormat.Chat, diagnostics));
        Assert.AreEqual("FT2001(2,40)", Codes(diagnostics));
    }

    [TestMethod]
    public void CrlfAndBom_LocationsUnchanged()
    {
        using var folder = new TempFolder();
        var bytes = new byte[] { 0xEF, 0xBB, 0xBF }.Concat(Utf8.GetBytes("- prompt: a\r\n  completion: b\r\n  prompt: c\r\n")).ToArray();
        var (records, diagnostics) = ReadBytes(folder, "crlf.yml", bytes);

        Assert.AreEqual("FT1008(3,3)", Codes(diagnostics));
        Assert.AreEqual((1, 3), (records[0].Node.Line, records[0].Node.Column));
        Assert.AreEqual("b", Scalar(records[0].Node, "completion").Text);
    }
}
