using System.Text;
using FineTune.Build.EndToEnd.Tests.Infrastructure;

namespace FineTune.Build.EndToEnd.Tests;

/// <summary>`dotnet build` on dataset projects that consume the packed SDK: the JSONL bytes and the diagnostics.</summary>
[TestClass]
public sealed class BuildTests
{
    // FT4030 (under 500 generation examples) would fire on every small test dataset; tests of it are in RuleTests.
    private const string Babbage = "<FineTuneBaseModel>babbage-002</FineTuneBaseModel><NoWarn>FT4030</NoWarn>";
    private const string Gpt4oMini = "<FineTuneBaseModel>gpt-4o-mini-2024-07-18</FineTuneBaseModel><FineTuneLifecycleDate>2026-11-25</FineTuneLifecycleDate><NoWarn>FT4030;FT4004</NoWarn>";

    [TestMethod]
    public void YamlCompletionSourceCompilesToExactJsonl()
    {
        var project = TestProject.Create("ads", Babbage);
        project.WriteFile("ads.yaml", """
            examples:
              - prompt: |-
                  Samsung Galaxy Feel
                  The Samsung Galaxy Feel is an Android smartphone.
                completion: An engaging phone for everyone.
              - prompt: "Café Olé\nA coffee shop."
                completion: " Coffee, as it should be. END"
            """);
        project.AddPadding();

        var result = project.Build();

        Assert.AreEqual(0, result.ExitCode, result.ToString());
        var expected =
            "{\"prompt\": \"Samsung Galaxy Feel\\nThe Samsung Galaxy Feel is an Android smartphone.\\n\\n###\\n\\n\", \"completion\": \" An engaging phone for everyone. END\"}\n" +
            "{\"prompt\": \"Caf\\u00e9 Ol\\u00e9\\nA coffee shop.\\n\\n###\\n\\n\", \"completion\": \" Coffee, as it should be. END\"}\n";
        var bytes = File.ReadAllBytes(project.TrainFile);
        CollectionAssert.AreEqual(Encoding.UTF8.GetBytes(expected), bytes.Take(Encoding.UTF8.GetByteCount(expected)).ToArray(), "UTF-8 without BOM, LF endings");
        Assert.AreEqual(12, bytes.Count(b => b == (byte)'\n'));
        Assert.IsFalse(File.Exists(project.ValidationFile), "no validation split was asked for");
        StringAssert.Contains(result.Output, "ads: 12 example(s) (12 train, 0 validation), completion, generation");
    }

    [TestMethod]
    public void SeedClassificationCsvWithTemplatesIsInferredAndSplit()
    {
        var project = TestProject.Create("ads", Babbage, """
            <FineTuneSource Update="ads.csv" PromptTemplate="Company: {Company}&#10;Product: {Product}&#10;Ad:{Ad}&#10;Supported:" CompletionTemplate="{Supported}" />
            """);
        var rows = new StringBuilder("Company,Product,Ad,Supported\r\n");
        for (var i = 0; i < 30; i++)
        {
            rows.Append($"Company {i},Product {i},\"Ad number {i}, great\",{(i % 2 == 0 ? "yes" : "no")}\r\n");
        }

        project.WriteFile("ads.csv", rows.ToString());

        var result = project.Build();

        Assert.AreEqual(0, result.ExitCode, result.ToString());
        var lines = File.ReadAllLines(project.TrainFile).Concat(File.ReadAllLines(project.ValidationFile)).ToList();
        Assert.AreEqual(30, lines.Count);
        CollectionAssert.Contains(lines, "{\"prompt\": \"Company: Company 0\\nProduct: Product 0\\nAd:Ad number 0, great\\nSupported:\\n\\n###\\n\\n\", \"completion\": \" yes\"}");
        Assert.IsTrue(lines.All(l => l.EndsWith("\"completion\": \" yes\"}") || l.EndsWith("\"completion\": \" no\"}")), "classification labels get a leading space and no stop sequence");
        StringAssert.Contains(result.Output, "classification, 2 class(es)");
    }

    [TestMethod]
    public void ChatYamlSourceCompiles()
    {
        var project = TestProject.Create("marv", Gpt4oMini);
        project.WriteFile("marv.yaml", """
            x-system: &marv {role: system, content: Marv is a factual chatbot that is also sarcastic.}
            examples:
              - messages:
                  - *marv
                  - {role: user, content: What's the capital of France?}
                  - {role: assistant, content: Paris, as if everyone doesn't know that already.}
              - id: weight-example
                messages:
                  - *marv
                  - role: user
                    content: Who wrote 'Romeo and Juliet'?
                  - role: assistant
                    content: Oh, just some guy named William Shakespeare.
                    weight: 1
            """);
        project.AddPadding("chat");

        var result = project.Build();

        Assert.AreEqual(0, result.ExitCode, result.ToString());
        var warning = TestProject.Diagnostics(result).Single();
        Assert.AreEqual((project.PathOf("marv.yaml"), 6, 43, "warning", "FT1009"), (warning.File, warning.Line, warning.Column, warning.Level, warning.Code));
        var lines = File.ReadAllText(project.TrainFile).Split('\n');
        Assert.AreEqual(
            "{\"messages\": [{\"role\": \"system\", \"content\": \"Marv is a factual chatbot that is also sarcastic.\"}, {\"role\": \"user\", \"content\": \"What's the capital of France?\"}, {\"role\": \"assistant\", \"content\": \"Paris, as if everyone doesn't know that already.\"}]}\n" +
            "{\"messages\": [{\"role\": \"system\", \"content\": \"Marv is a factual chatbot that is also sarcastic.\"}, {\"role\": \"user\", \"content\": \"Who wrote 'Romeo and Juliet'?\"}, {\"role\": \"assistant\", \"content\": \"Oh, just some guy named William Shakespeare.\", \"weight\": 1}]}\n",
            lines[0] + "\n" + lines[1] + "\n");
    }

    [TestMethod]
    [DataRow("fine_tuning_sample.jsonl")]
    [DataRow("drone_training.jsonl")]
    public void RealChatJsonlFilesAreReEmittedByteForByte(string file)
    {
        var project = TestProject.Create("chat", Gpt4oMini);
        var source = project.CopyFile(Path.Combine(Repository.SharedData, file));

        var result = project.Build();

        Assert.AreEqual(0, result.ExitCode, result.ToString());
        var expected = File.ReadAllText(source).TrimEnd('\n').Split('\n');
        var actual = File.ReadAllText(project.TrainFile);
        Assert.IsTrue(actual.EndsWith('\n'));
        Lines.AssertEqual(expected, actual.TrimEnd('\n').Split('\n'), "json.dumps-formatted sources come out unchanged");
    }

    [TestMethod]
    public void IrregularWhitespaceJsonlIsNormalized()
    {
        var project = TestProject.Create("chat", Gpt4oMini);
        project.CopyFile(Path.Combine(Repository.SharedData, "fine_tuning_sample_validation.jsonl"));
        project.AddPadding("chat");

        var result = project.Build();

        Assert.AreEqual(0, result.ExitCode, result.ToString());
        var lines = File.ReadAllLines(project.TrainFile);
        Assert.AreEqual(14, lines.Length);
        Assert.AreEqual(
            "{\"messages\": [{\"role\": \"system\", \"content\": \"You are a customer support assistant for a software company.\"}, {\"role\": \"user\", \"content\": \"How can I reset my password?\"}, {\"role\": \"assistant\", \"content\": \"You can reset your password by clicking on the 'Forgot Password' link on the login page.\"}]}",
            lines[1]);
    }

    [TestMethod]
    public void WrongSchemaFileFailsAtEveryLine()
    {
        var project = TestProject.Create("dbpedia", Babbage);
        project.CopyFile(Path.Combine(Repository.SharedData, "dbpedia_samples.jsonl"));

        var result = project.Build();

        Assert.AreNotEqual(0, result.ExitCode, result.ToString());
        var diagnostics = TestProject.Diagnostics(result);
        var first = diagnostics[0];
        Assert.AreEqual(project.PathOf("dbpedia_samples.jsonl"), first.File);
        Assert.AreEqual((1, 1, "error", "FT2009"), (first.Line, first.Column, first.Level, first.Code));
        StringAssert.Contains(first.Message, "text, category");
        Assert.AreEqual(100, diagnostics.Count(d => d.Code == "FT2009"), "capped at FineTuneMaxDiagnostics");
        StringAssert.Contains(result.Output, "100 more error(s) and warning(s) not shown");
        Assert.IsFalse(File.Exists(project.TrainFile));
    }

    [TestMethod]
    public void PrettyPrintedJsonFailsAtTheFirstLine()
    {
        var project = TestProject.Create("pretty", Babbage);
        project.WriteFile("examples.jsonl", """
            {
              "prompt": "1 + 3 =",
              "completion": " 4 END"
            }
            """);

        var result = project.Build();

        Assert.AreNotEqual(0, result.ExitCode);
        var first = TestProject.Diagnostics(result)[0];
        Assert.AreEqual((project.PathOf("examples.jsonl"), 1, 2, "FT1004"), (first.File, first.Line, first.Column, first.Code), result.Output);
        StringAssert.Contains(first.Message, "one complete object per line");
    }

    [TestMethod]
    public void SeedRulesInStrictModeFailAtTheSourceLine()
    {
        var project = TestProject.Create("cli", Babbage + "<FineTuneFormattingMode>Strict</FineTuneFormattingMode>");
        project.CopyFile(Path.Combine(Repository.SharedData, "derived", "v0.28.1_test_file_cli.jsonl"));

        var result = project.Build();

        Assert.AreNotEqual(0, result.ExitCode);
        var file = project.PathOf("v0.28.1_test_file_cli.jsonl");
        var diagnostics = TestProject.Diagnostics(result).Select(d => (d.File, d.Line, d.Column, d.Level, d.Code)).ToList();
        CollectionAssert.AreEquivalent(
            new[] { (file, 1, 12, "error", "FT3001"), (file, 1, 37, "error", "FT3002"), (file, 1, 37, "error", "FT3003") },
            diagnostics,
            result.Output);
    }

    [TestMethod]
    public void SeedRulesInAppendModeFixTheOutput()
    {
        var project = TestProject.Create("cli", Babbage);
        project.CopyFile(Path.Combine(Repository.SharedData, "derived", "v0.28.1_test_file_cli.jsonl"));

        project.AddPadding();
        var result = project.Build("-v:d");

        Assert.AreEqual(0, result.ExitCode, result.ToString());
        Assert.AreEqual("{\"prompt\": \"1 + 3 =\\n\\n###\\n\\n\", \"completion\": \" 4 END\"}", File.ReadAllLines(project.TrainFile)[0]);
        StringAssert.Contains(result.Output, "FT3006");
        Assert.AreEqual(0, TestProject.Diagnostics(result).Count, "fixes are low-importance messages, not warnings");
    }

    [TestMethod]
    public void CustomSeparatorAndStopSequenceInterpretEscapes()
    {
        var project = TestProject.Create("custom", Babbage + @"<FineTunePromptSeparator>\n->\n</FineTunePromptSeparator><FineTuneStopSequence>\n</FineTuneStopSequence>");
        project.WriteFile("a.jsonl", "{\"prompt\": \"Q\", \"completion\": \"A\"}\n");
        project.AddPadding();

        var result = project.Build();

        Assert.AreEqual(0, result.ExitCode, result.ToString());
        Assert.AreEqual("{\"prompt\": \"Q\\n->\\n\", \"completion\": \" A\\n\"}", File.ReadAllLines(project.TrainFile)[0]);
    }

    [TestMethod]
    public void SeparatorInsideAYamlPromptFailsAtItsLine()
    {
        var project = TestProject.Create("gen", Babbage);
        project.WriteFile("gen.yaml", "- prompt: |-\n    First line\n\n    ###\n\n    Third line\n  completion: fine\n- prompt: \"ok\"\n  completion: \" done\"\n");

        var result = project.Build();

        Assert.AreNotEqual(0, result.ExitCode);
        var diagnostics = TestProject.Diagnostics(result);
        Assert.AreEqual(1, diagnostics.Count, result.Output);
        Assert.AreEqual((project.PathOf("gen.yaml"), 4, 5, "FT3004"), (diagnostics[0].File, diagnostics[0].Line, diagnostics[0].Column, diagnostics[0].Code));
    }

    [TestMethod]
    public void StopSequenceInsideACompletionFails()
    {
        var project = TestProject.Create("gen", Babbage);
        project.WriteFile("gen.jsonl", "{\"prompt\": \"Write\", \"completion\": \" THE END of it\"}\n");

        var result = project.Build();

        var diagnostic = TestProject.Diagnostics(result).Single();
        Assert.AreEqual((1, 35, "FT3005"), (diagnostic.Line, diagnostic.Column, diagnostic.Code), result.Output);
    }

    [TestMethod]
    public void EveryViolationIsReportedInOneBuild()
    {
        var project = TestProject.Create("many", Babbage);
        project.WriteFile("many.yaml", """
            - prompt: one
              completion: " fine"
              label: extra
            - prompt: 42
            - completion: " no prompt"
            - prompt: ""
              completion: " empty prompt"
            - messages: []
            """);

        var result = project.Build();

        Assert.AreNotEqual(0, result.ExitCode);
        var file = project.PathOf("many.yaml");
        var diagnostics = TestProject.Diagnostics(result).Select(d => (d.File, d.Line, d.Column, d.Code)).ToList();
        CollectionAssert.AreEquivalent(
            new[]
            {
                (file, 3, 3, "FT2001"),
                (file, 4, 3, "FT2002"),
                (file, 5, 3, "FT2002"),
                (file, 6, 11, "FT2005"),
                (file, 8, 3, "FT2004"),
            },
            diagnostics,
            result.Output);
        Assert.IsFalse(File.Exists(project.TrainFile));
    }

    [TestMethod]
    public void CsvTemplateErrorsPointAtTheItemAndTheCell()
    {
        var project = TestProject.Create("ads", Babbage, """
            <FineTuneSource Update="a.csv" PromptTemplate="{Company} {Missing}" CompletionTemplate="{Supported}" />
            <FineTuneSource Update="b.csv" PromptTemplate="Company: {Company}&#10;Ad:{Ad}" CompletionTemplate="{Supported}" />
            """);
        project.WriteFile("a.csv", "Company,Supported\nAcme,yes\n");
        project.WriteFile("b.csv", "Company,Ad,Supported\nAcme,\"multi\nline ad\",yes\nBeta,,no\n");

        var result = project.Build();

        var diagnostics = TestProject.Diagnostics(result).Select(d => (Path.GetFileName(d.File), d.Line, d.Column, d.Code)).ToList();
        CollectionAssert.AreEquivalent(new[] { ("a.csv", 1, 1, "FT2006"), ("b.csv", 4, 6, "FT2007") }, diagnostics, result.Output);
    }

    [TestMethod]
    public void MalformedSourcesBecomeLocatedErrors()
    {
        var project = TestProject.Create("broken", Babbage);
        project.WriteFile("bad.yaml", "- prompt: \"unterminated\n  completion: x\n");
        project.WriteFile("bad.csv", "prompt,completion\n\"a\",\" b\"\n\"c,d\n");
        File.WriteAllBytes(project.PathOf("bad.jsonl"), [.. "{\"prompt\": \"ok\", \"completion\": \" caf"u8, 0xC3, 0x28, .. "\"}\n"u8]);

        var result = project.Build();

        Assert.AreNotEqual(0, result.ExitCode);
        var codes = TestProject.Diagnostics(result).Select(d => (Path.GetFileName(d.File), d.Line, d.Code)).ToList();
        CollectionAssert.Contains(codes, ("bad.yaml", 1, "FT1003"), result.Output);
        CollectionAssert.Contains(codes, ("bad.csv", 3, "FT1005"), result.Output);
        CollectionAssert.Contains(codes, ("bad.jsonl", 1, "FT1006"), result.Output);
        Assert.IsFalse(result.Output.Contains("MSB4018"), "the task never crashes");
    }

    [TestMethod]
    public void WrongFormatSourceIsAnError()
    {
        var project = TestProject.Create("mixed", Babbage);
        project.CopyFile(Path.Combine(Repository.SharedData, "fine_tuning_sample.jsonl"));

        var result = project.Build();

        var diagnostics = TestProject.Diagnostics(result);
        Assert.AreEqual(10, diagnostics.Count(d => d.Code == "FT2004"), result.Output);
        StringAssert.Contains(diagnostics[0].Message, "chat example, but the project emits the completion format");
    }

    [TestMethod]
    public void SecondBuildSkipsTheCompileAndTouchingASourceRecompiles()
    {
        var project = TestProject.Create("incr", Babbage);
        var source = project.WriteFile("a.jsonl", "{\"prompt\": \"Q\", \"completion\": \" A\"}\n");
        project.AddPadding();
        Assert.AreEqual(0, project.Build().ExitCode);
        var firstWrite = File.GetLastWriteTimeUtc(project.TrainFile);

        var second = project.Build("-v:n");

        Assert.AreEqual(0, second.ExitCode, second.ToString());
        StringAssert.Contains(second.Output, "Skipping target \"FineTuneCompile\" because all output files are up-to-date");
        Assert.AreEqual(firstWrite, File.GetLastWriteTimeUtc(project.TrainFile));

        File.WriteAllText(source, "{\"prompt\": \"Q2\", \"completion\": \" A2\"}\n");
        File.SetLastWriteTimeUtc(source, DateTime.UtcNow.AddSeconds(2));
        var third = project.Build("-v:n");

        Assert.IsFalse(third.Output.Contains("Skipping target \"FineTuneCompile\""), third.Output);
        StringAssert.Contains(File.ReadAllText(project.TrainFile), "Q2");

        var fourth = project.Build("-v:n", "-p:FineTuneStopSequence=###");
        Assert.IsFalse(fourth.Output.Contains("Skipping target \"FineTuneCompile\""), "a changed property recompiles");
        StringAssert.Contains(File.ReadAllText(project.TrainFile), "A2###");
    }

    [TestMethod]
    public void FailedBuildLeavesNoOutputAndCleanRemovesOutputs()
    {
        var project = TestProject.Create("atomic", Babbage);
        var source = project.WriteFile("a.jsonl", "{\"prompt\": \"Q\", \"completion\": \" A\"}\n");
        project.AddPadding();
        Assert.AreEqual(0, project.Build().ExitCode);
        Assert.IsTrue(File.Exists(project.TrainFile));

        File.WriteAllText(source, "{\"prompt\": \"Q\", \"completion\": \" A\", \"oops\": 1}\n");
        var failed = project.Build();

        Assert.AreNotEqual(0, failed.ExitCode);
        Assert.IsFalse(File.Exists(project.TrainFile), "a failed build removes the old output rather than leave it looking fresh");
        Assert.AreEqual(0, Directory.GetFiles(project.OutputDirectory, "*.tmp").Length, "no half-written file");

        File.WriteAllText(source, "{\"prompt\": \"Q\", \"completion\": \" A\"}\n");
        Assert.AreEqual(0, project.Build().ExitCode);
        Assert.AreEqual(0, project.Clean().ExitCode);
        Assert.IsFalse(File.Exists(project.TrainFile));
    }

    [TestMethod]
    public void DefaultItemsSkipBinObjAndHiddenFoldersAndCanBeTurnedOff()
    {
        var project = TestProject.Create("globs", Babbage);
        project.WriteFile("data/a.jsonl", "{\"prompt\": \"Q\", \"completion\": \" A\"}\n");
        project.WriteFile(".github/workflows/ci.yml", "on: push\n");
        project.WriteFile("bin/stale.jsonl", "not json\n");
        project.WriteFile("obj/x.yaml", "not: [valid\n");
        project.AddPadding();

        var result = project.Build();

        Assert.AreEqual(0, result.ExitCode, result.ToString());
        Assert.AreEqual(11, File.ReadAllLines(project.TrainFile).Length);

        project.WriteProject(Babbage + "<EnableDefaultFineTuneSourceItems>false</EnableDefaultFineTuneSourceItems>", "<FineTuneSource Include=\"data/a.jsonl\" />\n<FineTuneSource Include=\"extra.txt\" Format=\"jsonl\" />\n<FineTuneSource Include=\"zz-padding.jsonl\" />");
        project.WriteFile("extra.txt", "{\"prompt\": \"Q3\", \"completion\": \" A3\"}\n");
        var explicitItems = project.Build();

        Assert.AreEqual(0, explicitItems.ExitCode, explicitItems.ToString());
        Assert.AreEqual(12, File.ReadAllLines(project.TrainFile).Length);
    }

    [TestMethod]
    public void OutputNameAndPathFollowTheProperties()
    {
        var project = TestProject.Create("named", Babbage + "<FineTuneDatasetName>support</FineTuneDatasetName><FineTuneOutputPath>out/data</FineTuneOutputPath>");
        project.AddPadding();

        var result = project.Build();

        Assert.AreEqual(0, result.ExitCode, result.ToString());
        Assert.IsTrue(File.Exists(project.PathOf("out/data/support.train.jsonl")), result.Output);
    }
}
