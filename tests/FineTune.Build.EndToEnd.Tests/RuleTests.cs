using System.Text.Json;
using FineTune.Build.EndToEnd.Tests.Infrastructure;

namespace FineTune.Build.EndToEnd.Tests;

/// <summary>
/// Model-aware, structure and dataset rules through a real `dotnet build`: each fails (or warns) at the right
/// source line, and severities follow NoWarn, WarningsAsErrors and TreatWarningsAsErrors.
/// </summary>
[TestClass]
public sealed class RuleTests
{
    private const string Babbage = "<FineTuneBaseModel>babbage-002</FineTuneBaseModel>";
    private const string Chat = "<FineTuneBaseModel>gpt-4o-mini-2024-07-18</FineTuneBaseModel><FineTuneLifecycleDate>2026-11-25</FineTuneLifecycleDate><NoWarn>FT4004;FT4030</NoWarn>";

    private static List<(string File, int Line, int Column, string Level, string Code)> Found(DotNetResult result)
        => TestProject.Diagnostics(result).Select(d => (Path.GetFileName(d.File), d.Line, d.Column, d.Level, d.Code)).ToList();

    [TestMethod]
    public void LongAndDuplicateExamplesFromTheSeedToolsTestFile()
    {
        // A project catalog lowers babbage-002's limit so the 4,500-character prompts exceed it.
        var project = TestProject.Create("long", Babbage + "<FineTuneModelCatalog>catalog.json</FineTuneModelCatalog><NoWarn>FT4030</NoWarn>");
        project.WriteFile("catalog.json", """{"models": [{"name": "babbage-002", "maxExampleTokens": 1000}]}""");
        project.CopyFile(Path.Combine(Repository.SharedData, "derived", "v0.28.1_test_long_examples_validator.jsonl"), "long.jsonl");

        var result = project.Build();

        Assert.AreNotEqual(0, result.ExitCode);
        var found = Found(result);
        CollectionAssert.Contains(found, ("long.jsonl", 1, 1, "error", "FT4010"), result.Output);
        CollectionAssert.Contains(found, ("long.jsonl", 3, 1, "warning", "FT6001"), result.Output);
        var duplicate = TestProject.Diagnostics(result).Single(d => d.Code == "FT6001");
        StringAssert.Contains(duplicate.Message, "long.jsonl(1,1)");
        StringAssert.Contains(TestProject.Diagnostics(result).First(d => d.Code == "FT4010").Message, "takes at most 1000");
    }

    [TestMethod]
    public void RealClassificationCsvReportsLabelsClassesDuplicatesAndConflicts()
    {
        var project = TestProject.Create("transactions", Babbage, """
            <FineTuneSource Update="labelled_transactions.csv" PromptTemplate="Supplier: {Supplier}&#10;Description: {Description}&#10;Value: {Transaction value (£)}&#10;Classification:" CompletionTemplate="{Classification}" />
            """);
        project.CopyFile(Path.Combine(Repository.SharedData, "labelled_transactions.csv"));

        var result = project.Build();

        var found = Found(result);
        CollectionAssert.Contains(found, ("labelled_transactions.csv", 3, 1, "warning", "FT4020"), "'Building Improvement' is two tokens\n" + result.Output);
        CollectionAssert.Contains(found, ("labelled_transactions.csv", 2, 1, "warning", "FT4021"), "'Other' has 5 examples");
        CollectionAssert.Contains(found, ("labelled_transactions.csv", 59, 1, "warning", "FT6001"));
        CollectionAssert.Contains(found, ("labelled_transactions.csv", 73, 1, "error", "FT4022"), "ALDL 'Legal Deposit Services' is labelled twice");
        Assert.AreEqual(1, found.Count(f => f.Level == "error"), result.Output);
    }

    [TestMethod]
    public void ClassificationWithSingleTokenLabelsBuildsAStratifiedStableSplit()
    {
        var project = TestProject.Create("sentiment", Babbage);
        project.WriteFile("a.jsonl", Lines(Enumerable.Range(0, 300).Select(i => Completion($"Review {i}: {(i % 3 == 0 ? "awful" : "great")}", i % 3 == 0 ? "negative" : "positive"))));

        var result = project.Build();

        Assert.AreEqual(0, result.ExitCode, result.ToString());
        var train = File.ReadAllLines(project.TrainFile);
        var validation = File.ReadAllLines(project.ValidationFile);
        Assert.AreEqual(300, train.Length + validation.Length);
        Assert.IsTrue(validation.Length is > 40 and < 80, $"about 20% in validation, got {validation.Length}");
        var negativeShare = validation.Count(l => l.EndsWith("\" negative\"}")) / (double)validation.Length;
        Assert.IsTrue(negativeShare is > 0.2 and < 0.47, $"both classes in validation near their share (1/3), got {negativeShare:0.00}");
        Assert.IsTrue(train.All(l => l.EndsWith("\" negative\"}") || l.EndsWith("\" positive\"}")), "labels get a leading space and no stop sequence");
        StringAssert.Contains(result.Output, "classification, 2 class(es)");

        // Adding examples never moves the existing ones.
        project.WriteFile("b.jsonl", Lines(Enumerable.Range(300, 150).Select(i => Completion($"Review {i}: {(i % 3 == 0 ? "awful" : "great")}", i % 3 == 0 ? "negative" : "positive"))));
        Assert.AreEqual(0, project.Build().ExitCode);
        var validationAfter = File.ReadAllLines(project.ValidationFile).ToHashSet();
        var trainAfter = File.ReadAllLines(project.TrainFile).ToHashSet();
        Assert.IsTrue(validation.All(validationAfter.Contains), "every validation example stays in validation");
        Assert.IsTrue(train.All(trainAfter.Contains), "every train example stays in train");

        using var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(project.OutputDirectory, "sentiment.report.json")));
        var classes = report.RootElement.GetProperty("classes").EnumerateArray().ToList();
        Assert.AreEqual(2, classes.Count);
        Assert.AreEqual("negative", classes[0].GetProperty("label").GetString());
        Assert.AreEqual(1, classes[0].GetProperty("labelTokens").GetInt32(), "' negative' is one cl100k token");
        Assert.AreEqual(450, report.RootElement.GetProperty("counts").GetProperty("examples").GetInt32());
    }

    [TestMethod]
    public void OnePromptWithTwoLabelsIsAnError()
    {
        var project = TestProject.Create("conflict", Babbage);
        var lines = Enumerable.Range(0, 30).Select(i => Completion($"Item {i % 10}", i % 10 < 5 ? "yes" : "no")).ToList();
        lines.Add(Completion("Item 1", "no"));
        project.WriteFile("a.jsonl", Lines(lines));

        var result = project.Build();

        Assert.AreNotEqual(0, result.ExitCode);
        var conflict = TestProject.Diagnostics(result).Single(d => d.Code == "FT4022");
        Assert.AreEqual(31, conflict.Line, result.Output);
        StringAssert.Contains(conflict.Message, "a.jsonl(2,1)");
    }

    [TestMethod]
    public void SmallDatasetsAndModelLifecycle()
    {
        var tooFew = TestProject.Create("few", Babbage);
        tooFew.WriteFile("a.jsonl", Lines(Enumerable.Range(0, 5).Select(i => Completion($"Q{i}", $"A{i}"))));
        var few = tooFew.Build();
        Assert.AreNotEqual(0, few.ExitCode);
        // Project-level findings point at the project's first line, so the problem matcher annotates them too.
        CollectionAssert.IsSubsetOf(
            new[] { ("few.proj", 1, 1, "error", "FT4031"), ("few.proj", 1, 1, "warning", "FT4030") },
            Found(few).ToList(),
            few.Output);

        var retired = TestProject.Create("retired", "<FineTuneBaseModel>davinci</FineTuneBaseModel>");
        retired.AddPadding();
        var davinci = retired.Build();
        Assert.AreNotEqual(0, davinci.ExitCode);
        // A model finding points at the <FineTuneBaseModel> element the fix changes.
        CollectionAssert.Contains(Found(davinci).ToList(), ("retired.proj", 3, 1, "error", "FT4003"), davinci.Output);
        StringAssert.Contains(davinci.Output, "davinci-002");

        var unknown = TestProject.Create("unknown", "<FineTuneBaseModel>my-own-model</FineTuneBaseModel><FineTuneFormat>completion</FineTuneFormat><NoWarn>FT4030</NoWarn>");
        unknown.AddPadding();
        var own = unknown.Build();
        Assert.AreEqual(0, own.ExitCode, own.ToString());
        CollectionAssert.Contains(Found(own).ToList(), ("unknown.proj", 3, 1, "warning", "FT4001"), own.Output);
        StringAssert.Contains(own.Output, "the catalog's fallback (o200k_base, 65536 tokens per example)");

        var borrowed = unknown.Build("-p:FineTuneModelFallback=babbage-002");
        Assert.AreEqual(0, borrowed.ExitCode, borrowed.ToString());
        StringAssert.Contains(borrowed.Output, "FineTuneModelFallback 'babbage-002' (cl100k_base, 16384 tokens per example)");

        var mismatch = TestProject.Create("mismatch", Babbage + "<FineTuneFormat>chat</FineTuneFormat>");
        mismatch.AddPadding("chat");
        var chatOnBabbage = mismatch.Build();
        Assert.IsTrue(Found(chatOnBabbage).Any(f => f.File == "mismatch.proj" && f.Line >= 1 && f.Code == "FT4002"), chatOnBabbage.Output);
    }

    [TestMethod]
    public void ChatStructureRulesPointAtTheOffendingNode()
    {
        var project = TestProject.Create("structure", Chat);
        project.WriteFile("bad.jsonl", string.Join("\n",
            """{"messages": [{"role": "bot", "content": "hi"}, {"role": "assistant", "content": "x"}]}""",
            """{"messages": [{"role": "user", "content": "hi"}]}""",
            """{"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "x", "weight": 2}]}""",
            """{"messages": [{"role": "user", "content": "hi"}, {"role": "system", "content": "late"}, {"role": "assistant", "content": "x"}]}""",
            """{"messages": [{"role": "user", "content": "go"}, {"role": "assistant", "tool_calls": [{"id": "c1", "type": "function", "function": {"name": "fly", "arguments": "{not json"}}]}], "tools": [{"type": "function", "function": {"name": "fly"}}]}""",
            """{"messages": [{"role": "user", "content": "go"}, {"role": "assistant", "content": "ok"}], "tools": [{"type": "function", "function": {"name": "bad name!"}}]}""",
            """{"messages": [{"role": "user", "content": "go"}, {"role": "tool", "tool_call_id": "nope", "content": "42"}, {"role": "assistant", "content": "ok"}]}""",
            """{"messages": [{"role": "user", "content": "go"}, {"role": "assistant", "tool_calls": [{"id": "c1", "type": "function", "function": {"name": "land", "arguments": "{}"}}]}], "tools": [{"type": "function", "function": {"name": "fly"}}]}""",
            """{"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "x"}]}""") + "\n");

        var result = project.Build();

        Assert.AreNotEqual(0, result.ExitCode);
        var found = Found(result);
        CollectionAssert.AreEquivalent(
            new[]
            {
                ("bad.jsonl", 1, 24, "error", "FT5001"),
                ("bad.jsonl", 1, 14, "warning", "FT5008"),
                ("bad.jsonl", 2, 14, "error", "FT5002"),
                ("bad.jsonl", 3, 98, "error", "FT5003"),
                ("bad.jsonl", 4, 50, "error", "FT5004"),
                ("bad.jsonl", 5, 161, "error", "FT5005"),
                ("bad.jsonl", 6, 143, "error", "FT5006"),
                ("bad.jsonl", 7, 83, "error", "FT5009"),
                ("bad.jsonl", 8, 141, "warning", "FT5010"),
            },
            found,
            result.Output);
    }

    [TestMethod]
    public void ToyChatFileWarnsAboutTheExampleWithoutAUserMessage()
    {
        var project = TestProject.Create("toy", Chat);
        project.CopyFile(Path.Combine(Repository.SharedData, "toy_chat_fine_tuning.jsonl"));
        project.AddPadding("chat");

        var result = project.Build();

        Assert.AreEqual(0, result.ExitCode, result.ToString());
        CollectionAssert.AreEqual(new[] { ("toy_chat_fine_tuning.jsonl", 4, 14, "warning", "FT5008") }, Found(result), result.Output);
    }

    [TestMethod]
    public void PreferenceFilesFromTheOpenApiSpec()
    {
        var good = TestProject.Create("dpo", Chat + "<FineTuneMethod>dpo</FineTuneMethod>");
        good.CopyFile(Path.Combine(Repository.SharedData, "derived", "openapi_pr465_FineTunePreferenceRequestInput_example.jsonl"), "dpo.jsonl");
        good.AddPadding("preference");
        var compiled = good.Build();
        Assert.AreEqual(0, compiled.ExitCode, compiled.ToString());
        Assert.AreEqual(
            File.ReadAllText(Path.Combine(Repository.SharedData, "derived", "openapi_pr465_FineTunePreferenceRequestInput_example.jsonl")).TrimEnd('\n'),
            File.ReadAllLines(good.TrainFile)[0]);

        var wrong = TestProject.Create("dpo", Chat + "<FineTuneMethod>dpo</FineTuneMethod>");
        wrong.CopyFile(Path.Combine(Repository.SharedData, "derived", "openapi_main_FineTunePreferenceRequestInput_example.jsonl"), "dpo.jsonl");
        var failed = wrong.Build();
        var codes = Found(failed).Select(f => (f.Line, f.Column, f.Code)).ToList();
        CollectionAssert.Contains(codes, (1, 97, "FT2001"), failed.Output);
        CollectionAssert.Contains(codes, (1, 1, "FT2002"), failed.Output);
    }

    [TestMethod]
    public void LeakageReservedTokensAndSecrets()
    {
        // A project key of the real shape (58 + marker + 58); "sk-proj-" + 40 letters is not one.
        var body = string.Concat(Enumerable.Repeat("aB3dE6gH9j", 6))[..58];
        var secret = "sk-proj-" + body + "T3Blbk" + "FJ" + body;
        var project = TestProject.Create("content", Babbage + "<NoWarn>FT4030</NoWarn>");
        project.WriteFile("a.yaml", $$"""
            - prompt: "Same question"
              completion: " first answer"
            - prompt: "Same question"
              completion: " second answer"
              split: validation
            - prompt: "Tell me about <|endoftext|> tokens"
              completion: " no"
            - prompt: "My key"
              completion: " is {{secret}}"
            """);
        project.AddPadding();

        var result = project.Build();

        Assert.AreNotEqual(0, result.ExitCode);
        CollectionAssert.AreEquivalent(
            new[] { ("a.yaml", 3, 3, "error", "FT6002"), ("a.yaml", 6, 11, "error", "FT6003"), ("a.yaml", 9, 15, "error", "FT6004") },
            Found(result),
            result.Output);
        Assert.IsFalse(result.Output.Contains(secret), "the secret is never echoed in full");
        Assert.IsFalse(File.ReadAllText(Path.Combine(project.OutputDirectory, "content.report.json")).Contains(secret));
    }

    [TestMethod]
    public void FineTuneSecretAllow_WaivesTheReviewedOccurrenceOnly()
    {
        var body = string.Concat(Enumerable.Repeat("aB3dE6gH9j", 6))[..58];
        var secret = "sk-proj-" + body + "T3Blbk" + "FJ" + body;
        var project = TestProject.Create("waiver", Babbage + "<NoWarn>FT4030</NoWarn>");
        project.WriteFile("a.yaml", $$"""
            - prompt: "Reviewed sample key"
              completion: " is {{secret}}"
            - prompt: "Another text"
              completion: " has {{secret}} too"
            """);
        project.AddPadding();

        var first = project.Build();
        var fingerprints = System.Text.RegularExpressions.Regex.Matches(first.Output, "sha256:[0-9a-f]{16}")
            .Select(m => m.Value).Distinct().ToList();
        Assert.AreEqual(2, fingerprints.Count, first.Output);
        var reviewed = first.Output.Split('\n').First(l => l.Contains("a.yaml(2,") && l.Contains("FT6004"));
        var allowed = fingerprints.Single(reviewed.Contains);

        // Waive the first occurrence: the second still fails the build, at its own line.
        project.WriteProject(Babbage + "<NoWarn>FT4030</NoWarn>", $"""<FineTuneSecretAllow Include="{allowed}" Reason="documentation sample key" />""");
        var second = project.Build();
        Assert.AreNotEqual(0, second.ExitCode);
        CollectionAssert.AreEquivalent(new[] { ("a.yaml", 4, 15, "error", "FT6004") }, Found(second), second.Output);
        var report = File.ReadAllText(Path.Combine(project.OutputDirectory, "waiver.report.json"));
        StringAssert.Contains(report, "documentation sample key");
        StringAssert.Contains(report, allowed);
    }

    [TestMethod]
    public void SeveritiesFollowNoWarnWarningsAsErrorsAndTreatWarningsAsErrors()
    {
        var project = TestProject.Create("severity", Chat);
        project.CopyFile(Path.Combine(Repository.SharedData, "toy_chat_fine_tuning.jsonl"));
        project.AddPadding("chat");

        var noWarn = project.Build("-p:NoWarn=FT4004%3BFT4030%3BFT5008");
        Assert.AreEqual(0, noWarn.ExitCode, noWarn.ToString());
        Assert.AreEqual(0, Found(noWarn).Count, noWarn.Output);

        var asErrors = project.Build("-p:WarningsAsErrors=FT5008");
        Assert.AreNotEqual(0, asErrors.ExitCode);
        CollectionAssert.AreEqual(new[] { ("toy_chat_fine_tuning.jsonl", 4, 14, "error", "FT5008") }, Found(asErrors), asErrors.Output);
        Assert.IsFalse(File.Exists(project.TrainFile));

        var all = project.Build("-p:TreatWarningsAsErrors=true");
        Assert.AreNotEqual(0, all.ExitCode);
        CollectionAssert.Contains(Found(all), ("toy_chat_fine_tuning.jsonl", 4, 14, "error", "FT5008"));

        var exempt = project.Build("-p:TreatWarningsAsErrors=true", "-p:WarningsNotAsErrors=FT5008");
        Assert.AreEqual(0, exempt.ExitCode, exempt.ToString());
        CollectionAssert.Contains(Found(exempt), ("toy_chat_fine_tuning.jsonl", 4, 14, "warning", "FT5008"));

        // MSBuild's own switches work on the codes too.
        var switchAsError = project.Build("-warnaserror:FT5008");
        Assert.AreNotEqual(0, switchAsError.ExitCode, switchAsError.ToString());
        Assert.IsFalse(File.Exists(project.TrainFile), "a build failed by a promoted warning leaves no output, so the next build compiles again");
        Assert.AreNotEqual(0, project.Build("-warnaserror:FT5008").ExitCode, "and fails again");
        var switchNoWarn = project.Build("-nowarn:FT5008");
        Assert.AreEqual(0, switchNoWarn.ExitCode, switchNoWarn.ToString());
        Assert.IsFalse(Found(switchNoWarn).Any(f => f.Code == "FT5008"), switchNoWarn.Output);
    }

    [TestMethod]
    public void ReportsDescribeTheCompile()
    {
        var project = TestProject.Create("reports", Chat);
        project.CopyFile(Path.Combine(Repository.SharedData, "toy_chat_fine_tuning.jsonl"));
        project.AddPadding("chat");
        System.IO.Directory.CreateDirectory(project.PathOf(".git"));

        var result = project.Build();

        Assert.AreEqual(0, result.ExitCode, result.ToString());
        StringAssert.Matches(result.Output, new System.Text.RegularExpressions.Regex(@"reports: 15 example\(s\) \(15 train, 0 validation\), chat, generation, [\d,]+ tokens, ~[\d,]+ billed tokens at 6 epoch\(s\), est\. \$\d+\.\d\d"));

        using var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(project.OutputDirectory, "reports.report.json")));
        var root = report.RootElement;
        Assert.AreEqual(1, root.GetProperty("schemaVersion").GetInt32());
        Assert.IsTrue(root.GetProperty("succeeded").GetBoolean());
        Assert.AreEqual("o200k_base", root.GetProperty("model").GetProperty("tokenizer").GetString());
        var tokens = root.GetProperty("tokens");
        Assert.AreEqual(tokens.GetProperty("total").GetInt64(), root.GetProperty("sources").EnumerateArray().Sum(s => s.GetProperty("tokens").GetInt64()));
        Assert.AreEqual(6 * tokens.GetProperty("train").GetInt64(), root.GetProperty("cost").GetProperty("billedTokens").GetInt64(), "15 examples: the cookbook's heuristic gives 100 / 15 = 6 epochs");
        Assert.AreEqual(15, tokens.GetProperty("histogram").EnumerateArray().Sum(b => b.GetProperty("count").GetInt32()));
        var warning = root.GetProperty("diagnostics").EnumerateArray().Single(d => d.GetProperty("code").GetString() == "FT5008");
        Assert.AreEqual("toy_chat_fine_tuning.jsonl", warning.GetProperty("file").GetString());

        using var sarif = JsonDocument.Parse(File.ReadAllText(Path.Combine(project.OutputDirectory, "reports.sarif")));
        Assert.AreEqual("2.1.0", sarif.RootElement.GetProperty("version").GetString());
        var run = sarif.RootElement.GetProperty("runs")[0];
        var sarifResult = run.GetProperty("results").EnumerateArray().Single(r => r.GetProperty("ruleId").GetString() == "FT5008");
        var location = sarifResult.GetProperty("locations")[0].GetProperty("physicalLocation");
        Assert.AreEqual("toy_chat_fine_tuning.jsonl", location.GetProperty("artifactLocation").GetProperty("uri").GetString(), "relative to the repository root");
        Assert.AreEqual(4, location.GetProperty("region").GetProperty("startLine").GetInt32());

        var html = File.ReadAllText(Path.Combine(project.OutputDirectory, "reports.report.html"));
        StringAssert.Contains(html, "<svg");
        StringAssert.Contains(html, "toy_chat_fine_tuning.jsonl(4,14)");
        Assert.IsFalse(html.Contains("<script"), "self-contained, no scripts");
        Assert.IsFalse(System.Text.RegularExpressions.Regex.IsMatch(html, "(src|href)=\"https?:"), "nothing fetched");
    }

    private static string Completion(string prompt, string completion)
        => JsonSerializer.Serialize(new { prompt, completion });

    private static string Lines(IEnumerable<string> lines) => string.Join("\n", lines) + "\n";
}
