using FineTune.Build.Compilation;
using FineTune.Build.Diagnostics;
using FineTune.Build.Sources;
using static FineTune.Build.Core.Tests.Compilation.CompileHarness;

namespace FineTune.Build.Core.Tests.Compilation;

/// <summary>Issue 10: every independent error of an example in one build, no follow-up error for the same cause, open-ended generation.</summary>
[TestClass]
public sealed class PreciseErrorsTests
{
    private static readonly DiagnosticPolicy Quiet = new(noWarn: "FT3006;FT4030;FT5008");

    private static CompileSetup Chat => new() { BaseModel = "gpt-4o-mini-2024-07-18", Catalog = CompileSetup.MinExamplesOne, Policy = Quiet };

    [TestMethod]
    public void AnUnknownKey_DoesNotHideAnInvalidWeight_InTheSameExample()
    {
        using var folder = new TempFolder();
        var yaml = "- messages:\n    - role: user\n      content: Hi\n    - role: assistant\n      content: Hello\n      label: greeting\n      weight: 0.5\n";
        var run = Compile(folder, "a.yaml", yaml, Chat);

        Assert.AreEqual("FT2001(6,7) FT5003(7,15)", run.Codes);
        StringAssert.Contains(run.Only("FT5003").Message, "weight is 0.5");
        Assert.IsFalse(run.Result.Succeeded);
    }

    [TestMethod]
    public void AMessageOfTheWrongType_IsNotAlsoReportedWithoutAssistant()
    {
        using var folder = new TempFolder();
        var jsonl = "{\"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}, {\"role\": 7, \"content\": \"Hello\"}]}\n";
        var run = Compile(folder, "a.jsonl", jsonl, Chat);

        Assert.AreEqual("FT2003(1,59)", run.Codes);
    }

    [TestMethod]
    public void ContentOfTheWrongType_IsFT2003Only_NotAlsoNoContent()
    {
        using var folder = new TempFolder();
        var jsonl = "{\"messages\": [{\"role\": \"user\", \"content\": 123}, {\"role\": \"assistant\", \"content\": \"Hello\"}]}\n";
        var run = Compile(folder, "a.jsonl", jsonl, Chat);

        Assert.AreEqual("FT2003(1,43)", run.Codes);
        StringAssert.Contains(run.Only("FT2003").Message, "'content' must be a string or a list of content parts, not a number");
    }

    [TestMethod]
    public void AnEmptyCompletionCell_InAPlainCsv_IsAnEmptyCompletion_NotATemplateError()
    {
        using var folder = new TempFolder();
        var csv = "prompt,completion\nWhat is 1+1?, 2\nWhat is 2+2?,\n";
        var run = Compile(folder, "a.csv", csv, new CompileSetup { Policy = Quiet, Catalog = CompileSetup.MinExamplesOne });

        Assert.AreEqual("FT2005(3,14)", run.Codes);
        StringAssert.StartsWith(run.Only("FT2005").Message, "The completion is empty");
    }

    [TestMethod]
    public void AnEmptyCell_ThatAWrittenTemplateUses_IsStillFT2007()
    {
        using var folder = new TempFolder();
        var csv = "Q,A\nWhat is 1+1?, 2\nWhat is 2+2?,\n";
        var source = new SourceFile(folder.Write("a.csv", csv)) { PromptTemplate = "{Q}", CompletionTemplate = "{A}" };
        var run = Compile(folder, [source], new CompileSetup { Policy = Quiet, Catalog = CompileSetup.MinExamplesOne });

        Assert.AreEqual("FT2007(3,14)", run.Codes);
    }

    // Open-ended generation (the seed's guide: every prompt empty).

    [TestMethod]
    public void AllPromptsEmpty_IsOpenEndedGeneration_AndCompilesWithoutSeparators()
    {
        using var folder = new TempFolder();
        var jsonl = "{\"prompt\": \"\", \"completion\": \" Once upon a time END\"}\n{\"prompt\": \"\", \"completion\": \" It was a dark night END\"}\n";
        var run = Compile(folder, "a.jsonl", jsonl, new CompileSetup { Policy = Quiet, Catalog = CompileSetup.MinExamplesOne, WriteReports = true });

        Assert.AreEqual("", run.Codes);
        Assert.IsTrue(run.Result.Succeeded);
        Assert.AreEqual(DatasetTask.OpenEndedGeneration, run.Result.Task);
        Assert.AreEqual(jsonl, File.ReadAllText(run.Result.TrainPath));
        Assert.AreEqual("open-ended generation", run.Result.Report!.Task);
        StringAssert.Contains(CompileSettings.Summary("ads", run.Result, folder.Path), "completion, open-ended generation,");
        StringAssert.Contains(File.ReadAllText(run.Compiler.OutputPath("report.json")), "\"task\": \"open-ended generation\"");
        StringAssert.Contains(File.ReadAllText(run.Compiler.OutputPath("report.html")), "open-ended generation");
    }

    [TestMethod]
    public void FewOpenEndedExamples_FT4030NamesOpenEndedGeneration()
    {
        using var folder = new TempFolder();
        var jsonl = "{\"prompt\": \"\", \"completion\": \" Once upon a time END\"}\n{\"prompt\": \"\", \"completion\": \" It was a dark night END\"}\n";
        var run = Compile(folder, "a.jsonl", jsonl, new CompileSetup { Policy = new DiagnosticPolicy(noWarn: "FT3006"), Catalog = CompileSetup.MinExamplesOne });

        var few = run.All.Single(d => d.Code == "FT4030");
        Assert.AreEqual("The dataset has 2 example(s); open-ended generation needs at least 500 to train well: add examples.", few.Message);
    }

    [TestMethod]
    public void AllPromptCellsEmpty_InAPlainCsv_IsOpenEndedGeneration()
    {
        using var folder = new TempFolder();
        var run = Compile(folder, "a.csv", "prompt,completion\n, Once upon a time\n, It was a dark night\n",
            new CompileSetup { Policy = Quiet, Catalog = CompileSetup.MinExamplesOne });

        Assert.AreEqual("", run.Codes);
        Assert.AreEqual(
            "{\"prompt\":\"\",\"completion\":\" Once upon a time END\"}\n{\"prompt\":\"\",\"completion\":\" It was a dark night END\"}\n",
            File.ReadAllText(run.Result.TrainPath).Replace(": ", ":").Replace(", ", ","));
    }

    [TestMethod]
    public void AMixOfEmptyAndNonEmptyPrompts_IsAnErrorAtEachEmptyOne()
    {
        using var folder = new TempFolder();
        var yaml = "- prompt: ''\n  completion: a\n- prompt: Question\n  completion: b\n- prompt: '  '\n  completion: c\n";
        var run = Compile(folder, "a.yaml", yaml, new CompileSetup { Policy = Quiet, Catalog = CompileSetup.MinExamplesOne });

        Assert.AreEqual("FT2005(1,11) FT2005(5,11)", run.Codes);
        StringAssert.Contains(run.All[0].Message, "only a dataset whose prompts are all empty is open-ended generation");
        Assert.AreEqual(DatasetTask.Generation, run.Result.Task);
    }

    // Strict mode: a rule that fails for every row a template builds is reported once, at the template.

    private static readonly FineTune.Build.Rules.FormattingOptions Strict = FineTune.Build.Rules.FormattingOptions.Default with { Mode = FineTune.Build.Rules.FormattingMode.Strict };

    private static string AdsCsv(int rows)
        => "Company,Ad,Supported\n" + string.Concat(Enumerable.Range(1, rows).Select(i => $"Acme {i},Buy brick {i} now,{(i % 2 == 0 ? "yes" : "no")}\n"));

    [TestMethod]
    public void StrictMode_ATemplateWithoutTheSeparator_IsOneErrorAtTheProject_WithTheRowCount()
    {
        using var folder = new TempFolder();
        var source = new SourceFile(folder.Write("ads.csv", AdsCsv(240))) { PromptTemplate = "Company: {Company}\\nAd:{Ad}\\nSupported:", CompletionTemplate = "{Supported}" };
        var run = Compile(folder, [source], new CompileSetup { Policy = Quiet, Formatting = Strict, Task = DatasetTask.Classification });

        Assert.AreEqual("FT3001(0,0) FT3002(0,0)", run.Codes);
        var separator = run.Only("FT3001");
        Assert.AreEqual(run.ProjectFile, separator.File);
        Assert.AreEqual(
            "None of the 240 prompt(s) that PromptTemplate=\"Company: {Company}\\nAd:{Ad}\\nSupported:\" of <FineTuneSource Include=\"ads.csv\"> builds ends with the separator \"\\n\\n###\\n\\n\": end the template with it, PromptTemplate=\"Company: {Company}\\nAd:{Ad}\\nSupported:\\n\\n###\\n\\n\" (or set FineTuneFormattingMode=Append).",
            separator.Message);
        StringAssert.Contains(run.Only("FT3002").Message, "None of the 240 completion(s) that CompletionTemplate=\"{Supported}\"");
        StringAssert.Contains(run.Only("FT3002").Message, "CompletionTemplate=\" {Supported}\"");
    }

    [TestMethod]
    public void StrictMode_WhenSomeRowsPass_EachFailingRowIsReportedAtItsCell()
    {
        using var folder = new TempFolder();
        var csv = "Q,A\nOne, yes\nTwo,no\nThree, yes\n";
        var source = new SourceFile(folder.Write("q.csv", csv)) { PromptTemplate = "{Q}\\n\\n###\\n\\n", CompletionTemplate = "{A}" };
        var run = Compile(folder, [source], new CompileSetup { Policy = new(noWarn: "FT4021"), Formatting = Strict, Task = DatasetTask.Classification, Catalog = CompileSetup.MinExamplesOne });

        Assert.AreEqual("FT3002(3,5)", run.Codes);
        StringAssert.Contains(run.Only("FT3002").Message, "(\" no\", not \"no\")");
    }
}
