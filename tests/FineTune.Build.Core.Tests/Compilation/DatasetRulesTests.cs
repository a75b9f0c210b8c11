using FineTune.Build.Compilation;
using FineTune.Build.Diagnostics;
using FineTune.Build.Examples;
using FineTune.Build.Output;
using FineTune.Build.Reports;
using FineTune.Build.Rules;
using FineTune.Build.Sources;
using static FineTune.Build.Core.Tests.Rules.RuleHarness;

namespace FineTune.Build.Core.Tests.Compilation;

[TestClass]
public sealed class DatasetRulesTests
{
    private static readonly CompileSetup Small = new()
    {
        Catalog = CompileSetup.MinExamplesOne,
        Task = DatasetTask.Generation,
        Policy = new DiagnosticPolicy(noWarn: "FT4030;FT3006"),
    };

    /// <summary>Feeds bound examples to the dataset rules in order; validation[i] and labels[i] per example.</summary>
    private static DiagnosticCollector Feed(IReadOnlyList<Example> examples, bool classification, bool[]? validation = null, string?[]? labels = null)
    {
        var diagnostics = TestFiles.Collector();
        var report = new DatasetReport { Dataset = "ads", ModelEntry = "babbage-002", Format = "completion", Task = "generation", Tokenizer = "cl100k_base", BaseDirectory = Path.GetTempPath() };
        var rules = new DatasetRuleSet(new DatasetRuleContext(diagnostics, classification, report, 10, null));
        for (var i = 0; i < examples.Count; i++)
        {
            rules.Check(new DatasetEntry(examples[i], CanonicalJsonWriter.ToBytes(examples[i].Body), validation?[i] ?? false, labels?[i]));
        }

        return diagnostics;
    }

    // FT6001

    [TestMethod]
    public void ExactDuplicate_IsFT6001Warning_AtTheLaterCopy_NamingTheFirst()
    {
        using var folder = new TempFolder();
        var examples = Bind(folder, "ads.jsonl", "{\"prompt\": \"a\", \"completion\": \"1\"}\n{\"prompt\": \"b\", \"completion\": \"2\"}\n   {\"prompt\": \"a\", \"completion\": \"1\"}\n", DatasetFormat.Completion);
        var diagnostics = Feed(examples, classification: false);

        Assert.AreEqual("FT6001(3,4)", TestFiles.Codes(diagnostics));
        var d = diagnostics.Diagnostics[0];
        Assert.AreEqual(DiagnosticSeverity.Warning, d.Severity);
        Assert.AreEqual(examples[2].SourcePath, d.File);
        StringAssert.Contains(d.Message, "exact duplicate of the one at ads.jsonl(1,1)");
    }

    [TestMethod]
    public void ExactDuplicate_AcrossSourcesAndSyntaxes_NamesTheFirstFile()
    {
        using var folder = new TempFolder();
        var yaml = new SourceFile(folder.Write("first.yaml", "- prompt: Question 1\n  completion: Answer 1\n- prompt: Question 2\n  completion: Answer 2\n"));
        var jsonl = new SourceFile(folder.Write("second.jsonl", "{\"prompt\": \"Question 2\", \"completion\": \"Answer 2\"}\n"));
        var run = CompileHarness.Compile(folder, [yaml, jsonl], Small);

        Assert.AreEqual("FT6001(1,1)", run.Codes);
        var d = run.Only("FT6001");
        Assert.AreEqual(jsonl.Path, d.File);
        StringAssert.Contains(d.Message, "first.yaml(3,3)");
        Assert.IsTrue(run.Result.Succeeded);
    }

    [TestMethod]
    public void SameContent_WithDifferentKeyOrder_IsADuplicate_SameTextWithDifferentCompletion_IsNot()
    {
        using var folder = new TempFolder();
        var examples = Bind(folder, "a.jsonl", "{\"prompt\": \"a\", \"completion\": \"1\"}\n{\"completion\": \"1\", \"prompt\": \"a\"}\n{\"prompt\": \"a\", \"completion\": \"2\"}\n", DatasetFormat.Completion);
        Assert.AreEqual("FT6001(2,1)", TestFiles.Codes(Feed(examples, classification: false)));
    }

    // FT6002

    [TestMethod]
    public void SamePromptInTrainThenValidation_IsFT6002_AtTheValidationExample()
    {
        using var folder = new TempFolder();
        var run = CompileHarness.Compile(folder, "a.yaml", "- prompt: Same question\n  completion: First answer\n- prompt: Other\n  completion: Other answer\n- prompt: Same question\n  completion: Second answer\n  split: validation\n", Small);

        Assert.AreEqual("FT6002(5,3)", run.Codes);
        var d = run.Only("FT6002");
        Assert.AreEqual(DiagnosticSeverity.Error, d.Severity);
        StringAssert.Contains(d.Message, "The same prompt is in the validation file and, at a.yaml(1,3), in the train file");
        Assert.IsFalse(run.Result.Succeeded);
    }

    [TestMethod]
    public void SamePromptInValidationThenTrain_IsFT6002_AtTheTrainExample()
    {
        using var folder = new TempFolder();
        var run = CompileHarness.Compile(folder, "a.yaml", "- prompt: Same question\n  completion: First answer\n  split: validation\n- prompt: Same question\n  completion: Second answer\n", Small);

        Assert.AreEqual("FT6002(4,3)", run.Codes);
        StringAssert.Contains(run.Only("FT6002").Message, "The same prompt is in the train file and, at a.yaml(1,3), in the validation file");
    }

    [TestMethod]
    public void SamePromptOnTheSameSide_IsNotLeakage()
    {
        using var folder = new TempFolder();
        var run = CompileHarness.Compile(folder, "a.yaml", "- prompt: Same\n  completion: One\n  split: validation\n- prompt: Same\n  completion: Two\n  split: validation\n- prompt: Other\n  completion: Three\n", Small);
        Assert.AreEqual("", run.Codes);
    }

    [TestMethod]
    public void ChatLeakage_ComparesTheConversationBeforeTheLastAssistantReply()
    {
        using var folder = new TempFolder();
        var examples = Bind(folder, "chat.jsonl",
            """
            {"messages": [{"role": "user", "content": "Capital of France?"}, {"role": "assistant", "content": "Paris."}]}
            {"messages": [{"role": "user", "content": "Capital of France?"}, {"role": "assistant", "content": "It is Paris."}]}
            {"messages": [{"role": "system", "content": "Be terse."}, {"role": "user", "content": "Capital of France?"}, {"role": "assistant", "content": "Paris"}]}

            """.Replace("\r\n", "\n", StringComparison.Ordinal), DatasetFormat.Chat);
        var diagnostics = Feed(examples, classification: false, validation: [false, true, true]);
        Assert.AreEqual("FT6002(2,1)", TestFiles.Codes(diagnostics));
    }

    // FT4022

    [TestMethod]
    public void Classification_OnePromptWithTwoLabels_IsFT4022_NamingTheFirst()
    {
        using var folder = new TempFolder();
        var examples = Bind(folder, "ads.jsonl", "{\"prompt\": \"Great ad\", \"completion\": \" yes\"}\n{\"prompt\": \"Other ad\", \"completion\": \" no\"}\n{\"prompt\": \"Great ad\", \"completion\": \" no\"}\n", DatasetFormat.Completion);
        var diagnostics = Feed(examples, classification: true, labels: [" yes", " no", " no"]);

        Assert.AreEqual("FT4022(3,1)", TestFiles.Codes(diagnostics));
        var d = diagnostics.Diagnostics[0];
        Assert.AreEqual(DiagnosticSeverity.Error, d.Severity);
        StringAssert.Contains(d.Message, "This prompt is labelled 'no' here and 'yes' at ads.jsonl(1,1)");
    }

    [TestMethod]
    public void Classification_SamePromptSameLabel_IsOnlyADuplicate()
    {
        using var folder = new TempFolder();
        var examples = Bind(folder, "ads.jsonl", "{\"prompt\": \"Great ad\", \"completion\": \" yes\"}\n{\"prompt\": \"Great ad\", \"completion\": \"yes \"}\n", DatasetFormat.Completion);
        Assert.AreEqual("", TestFiles.Codes(Feed(examples, classification: true, labels: [" yes", "yes "])));
    }

    [TestMethod]
    public void Generation_OnePromptWithTwoCompletions_IsNotFT4022()
    {
        using var folder = new TempFolder();
        var examples = Bind(folder, "ads.jsonl", "{\"prompt\": \"Great ad\", \"completion\": \" yes\"}\n{\"prompt\": \"Great ad\", \"completion\": \" no\"}\n", DatasetFormat.Completion);
        Assert.AreEqual("", TestFiles.Codes(Feed(examples, classification: false, labels: [" yes", " no"])));
    }

    [TestMethod]
    public void Classification_ConflictingLabels_InACompile_AreFT4022()
    {
        using var folder = new TempFolder();
        var yaml = string.Concat(Enumerable.Range(1, 12).Select(i => $"- prompt: Ad {i}\n  completion: {(i % 2 == 0 ? "yes" : "no")}\n"))
            + "- prompt: Ad 3\n  completion: yes\n";
        var run = CompileHarness.Compile(folder, "ads.yaml", yaml, Small with { Task = DatasetTask.Classification, Fraction = 0, Policy = new DiagnosticPolicy(noWarn: "FT4021;FT3006") });

        Assert.AreEqual("FT4022(25,3)", run.Codes);
        StringAssert.Contains(run.Only("FT4022").Message, "labelled 'yes' here and 'no' at ads.yaml(5,3)");
    }

    // Hash128

    [TestMethod]
    public void Hash128_IsTheFirstHalfOfSha256()
    {
        var bytes = TestFiles.Utf8.GetBytes("{\"prompt\": \"a\"}");
        var sha = System.Security.Cryptography.SHA256.HashData(bytes);
        var hash = Hash128.Of(bytes);
        Assert.AreEqual(Convert.ToHexString(sha, 0, 16), hash.High.ToString("X16", System.Globalization.CultureInfo.InvariantCulture) + hash.Low.ToString("X16", System.Globalization.CultureInfo.InvariantCulture));
        Assert.AreEqual(hash, Hash128.Of(TestFiles.Utf8.GetBytes("{\"prompt\": \"a\"}")));
        Assert.AreNotEqual(hash, Hash128.Of(TestFiles.Utf8.GetBytes("{\"prompt\": \"b\"}")));
    }

    // DatasetEntry keys

    [TestMethod]
    public void Entry_PromptKey_IsTheHashOfWhatTheModelIsGiven_InEachFormat()
    {
        using var folder = new TempFolder();
        var completion = Bind(folder, "a.jsonl", "{\"prompt\": \"Caf\u00e9 \\\"ad\\\"\", \"completion\": \" yes\"}\n", DatasetFormat.Completion)[0];
        var chat = Bind(folder, "c.jsonl",
            "{\"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}, {\"role\": \"assistant\", \"content\": \"A\"}, {\"role\": \"user\", \"content\": \"More\"}, {\"role\": \"assistant\", \"content\": \"B\"}]}\n"
            + "{\"messages\": [{\"role\": \"user\", \"content\": \"Only me\"}, {\"role\": \"user\", \"content\": [{\"type\": \"image_url\", \"image_url\": {\"url\": \"https://x/y.png\"}}]}]}\n",
            DatasetFormat.Chat);
        var preference = Bind(folder, "p.jsonl",
            "{\"input\": {\"messages\": [{\"role\": \"user\", \"content\": \"Q\"}]}, \"preferred_output\": [{\"role\": \"assistant\", \"content\": \"good\"}], \"non_preferred_output\": [{\"role\": \"assistant\", \"content\": \"bad\"}]}\n",
            DatasetFormat.Preference)[0];

        static Hash128 Key(string text) => Hash128.Of(TestFiles.Utf8.GetBytes(text));
        DatasetEntry Entry(Example example) => new(example, CanonicalJsonWriter.ToBytes(example.Body), false, null);

        Assert.AreEqual(Key("Caf\u00e9 \"ad\""), Entry(completion).PromptKey);
        Assert.AreEqual(Key("[{\"role\": \"user\", \"content\": \"Hi\"}, {\"role\": \"assistant\", \"content\": \"A\"}, {\"role\": \"user\", \"content\": \"More\"}]"), Entry(chat[0]).PromptKey);
        Assert.IsFalse(Entry(chat[0]).HasImages);

        // No assistant reply: the whole conversation is the prompt.
        Assert.AreEqual(Key(TestFiles.Utf8.GetString(CanonicalJsonWriter.ToBytes(chat[1].Body))["{\"messages\": ".Length..^1]), Entry(chat[1]).PromptKey);
        Assert.IsTrue(Entry(chat[1]).HasImages);
        Assert.AreEqual(Key("{\"messages\": [{\"role\": \"user\", \"content\": \"Q\"}]}"), Entry(preference).PromptKey);
        Assert.AreEqual(Key(TestFiles.Utf8.GetString(CanonicalJsonWriter.ToBytes(preference.Body))), Entry(preference).ContentKey);
    }
}
