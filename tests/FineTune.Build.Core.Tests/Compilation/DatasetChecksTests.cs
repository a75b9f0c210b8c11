using FineTune.Build.Compilation;
using FineTune.Build.Diagnostics;
using FineTune.Build.Tokens;
using static FineTune.Build.Core.Tests.Compilation.CompileHarness;

namespace FineTune.Build.Core.Tests.Compilation;

/// <summary>The checks over the whole dataset's counts (FT4020, FT4021, FT4030, FT4031), task inference and the cost estimate.</summary>
[TestClass]
public sealed class DatasetChecksTests
{
    private static readonly DiagnosticPolicy NoFormattingInfo = new(noWarn: "FT3006");

    // FT4031

    [TestMethod]
    public void NineTrainingExamples_IsFT4031Error_AtTheProject()
    {
        using var folder = new TempFolder();
        var run = Compile(folder, "a.yaml", GenerationYaml(9), new CompileSetup { Policy = NoFormattingInfo });

        Assert.AreEqual("FT4031(0,0) FT4030(0,0)", run.Codes);
        var d = run.Only("FT4031");
        Assert.AreEqual((DiagnosticSeverity.Error, run.ProjectFile), (d.Severity, d.File));
        StringAssert.Contains(d.Message, "The training file has 9 example(s); the fine-tuning API needs at least 10");
        Assert.DoesNotContain("FineTuneValidationFraction", d.Message);
        Assert.IsFalse(run.Result.Succeeded);
    }

    [TestMethod]
    public void TenTrainingExamples_IsNotFT4031()
    {
        using var folder = new TempFolder();
        var run = Compile(folder, "a.yaml", GenerationYaml(10), new CompileSetup { Policy = NoFormattingInfo });
        Assert.AreEqual("FT4030(0,0)", run.Codes);
        Assert.IsTrue(run.Result.Succeeded);
    }

    [TestMethod]
    public void ValidationExamplesDoNotCount_AndTheMessageSuggestsALowerFraction()
    {
        using var folder = new TempFolder();
        var yaml = GenerationYaml(9) + "- prompt: Held out\n  completion: Kept apart\n  split: validation\n";
        var run = Compile(folder, "a.yaml", yaml, new CompileSetup { Policy = NoFormattingInfo });

        Assert.AreEqual("FT4031(0,0) FT4030(0,0)", run.Codes);
        StringAssert.Contains(run.Only("FT4031").Message, "has 9 example(s)");
        StringAssert.Contains(run.Only("FT4031").Message, "or lower FineTuneValidationFraction");
    }

    [TestMethod]
    public void TooFewExamples_IsNotReported_WhenOtherErrorsExist()
    {
        using var folder = new TempFolder();
        var yaml = GenerationYaml(4) + "- prompt: Bad\n  completion: Example\n  label: x\n";
        var run = Compile(folder, "a.yaml", yaml, new CompileSetup { Policy = NoFormattingInfo });

        Assert.AreEqual("FT2001(11,3) FT4030(0,0)", run.Codes);
    }

    [TestMethod]
    public void TheMinimumComesFromTheCatalog()
    {
        using var folder = new TempFolder();
        var run = Compile(folder, "a.yaml", GenerationYaml(12), new CompileSetup
        {
            Catalog = """{"models": [{"name": "babbage-002", "minExamples": 20}]}""",
            Policy = NoFormattingInfo,
        });
        StringAssert.Contains(run.Only("FT4031").Message, "needs at least 20");
    }

    // FT4030

    [TestMethod]
    public void Generation_Under500_IsFT4030Warning_AndAt500IsNot()
    {
        using var folder = new TempFolder();
        var under = Compile(folder, "a.jsonl", GenerationJsonl(499), new CompileSetup { Policy = NoFormattingInfo });
        Assert.AreEqual("FT4030(0,0)", under.Codes);
        var d = under.Only("FT4030");
        Assert.AreEqual((DiagnosticSeverity.Warning, under.ProjectFile), (d.Severity, d.File));
        StringAssert.Contains(d.Message, "The dataset has 499 example(s); conditional generation needs at least 500");
        Assert.IsTrue(under.Result.Succeeded);

        var enough = Compile(folder, "a.jsonl", GenerationJsonl(500), new CompileSetup { Policy = NoFormattingInfo });
        Assert.AreEqual("", enough.Codes);
    }

    // Classification: inference, default fraction, FT4020, FT4021

    private static string ClassificationYaml()
    {
        // 15 examples, 3 labels: classification is inferred (fewer distinct completions than n / 3).
        var labels = new[] { "yes", "no", "absolutely not" };
        return string.Concat(Enumerable.Range(0, 15).Select(i => $"- prompt: Ad number {i}\n  completion: {labels[i % 3]}\n"));
    }

    [TestMethod]
    public void FewDistinctLabels_InferClassification_WithA20PercentDefaultSplit()
    {
        using var folder = new TempFolder();
        var run = Compile(folder, "ads.yaml", ClassificationYaml(), new CompileSetup { Catalog = CompileSetup.MinExamplesOne, Policy = new DiagnosticPolicy(noWarn: "FT3006;FT4020;FT4021") });

        Assert.AreEqual(DatasetTask.Classification, run.Result.Task);
        Assert.AreEqual(3, run.Result.ClassCount);
        Assert.AreEqual(0.2, run.Result.Report!.ValidationFraction);
        Assert.AreEqual("classification", run.Result.Report.Task);
        Assert.AreEqual(15, run.Result.TrainCount + run.Result.ValidationCount);

        Assert.IsTrue(run.Result.Succeeded, run.Codes);
        Assert.AreEqual(run.Result.ValidationCount, File.Exists(run.Compiler.ValidationPath) ? File.ReadAllLines(run.Compiler.ValidationPath).Length : 0);
    }

    [TestMethod]
    public void ManyDistinctCompletions_InferGeneration_WithNoValidationByDefault()
    {
        using var folder = new TempFolder();
        var run = Compile(folder, "a.yaml", GenerationYaml(15), new CompileSetup { Catalog = CompileSetup.MinExamplesOne, Policy = new DiagnosticPolicy(noWarn: "FT3006;FT4030") });
        Assert.AreEqual((DatasetTask.Generation, 0.0, 0), (run.Result.Task, run.Result.Report!.ValidationFraction, run.Result.ValidationCount));
    }

    [TestMethod]
    public void MultiTokenLabel_IsFT4020_AndSmallClasses_AreFT4021_AtTheFirstExampleOfTheClass()
    {
        using var folder = new TempFolder();
        var run = Compile(folder, "ads.yaml", ClassificationYaml(), new CompileSetup { Catalog = CompileSetup.MinExamplesOne, Policy = NoFormattingInfo });

        // Classes in label order: "absolutely not" (first at example 3, line 5), "no" (line 3), "yes" (line 1).
        Assert.AreEqual("FT4020(5,3) FT4021(5,3) FT4021(3,3) FT4021(1,3)", run.Codes);
        var multi = run.Only("FT4020");
        Assert.AreEqual(DiagnosticSeverity.Warning, multi.Severity);
        var tokens = TokenCounter.Create("cl100k_base").CountTokens(" absolutely not");
        Assert.IsGreaterThan(1, tokens);
        StringAssert.Contains(multi.Message, $"The label 'absolutely not' is {tokens} tokens with its leading space");
        StringAssert.Contains(multi.Message, "max_tokens=1");

        var small = run.All.Where(d => d.Code == "FT4021").ToList();
        Assert.IsTrue(small.All(d => d.Severity == DiagnosticSeverity.Warning));
        StringAssert.Contains(small[0].Message, "The class 'absolutely not' has 5 example(s); at least 100 per class");
        StringAssert.Contains(small[2].Message, "The class 'yes' has 5 example(s)");
        Assert.IsTrue(run.Result.Succeeded);
    }

    [TestMethod]
    public void HundredExamplesOfAClass_IsNotFT4021()
    {
        using var folder = new TempFolder();
        var yaml = string.Concat(Enumerable.Range(0, 200).Select(i => $"- prompt: Ad {i}\n  completion: {(i % 2 == 0 ? "yes" : "no")}\n"))
            + "- prompt: Rare one\n  completion: maybe\n";
        var run = Compile(folder, "ads.yaml", yaml, new CompileSetup { Policy = NoFormattingInfo });

        Assert.AreEqual("FT4021(401,3)", run.Codes);
        StringAssert.Contains(run.Only("FT4021").Message, "The class 'maybe' has 1 example(s)");
    }

    [TestMethod]
    public void Generation_IsNeverCheckedForLabels()
    {
        using var folder = new TempFolder();
        var run = Compile(folder, "a.yaml", GenerationYaml(12), new CompileSetup { Catalog = CompileSetup.MinExamplesOne, Task = DatasetTask.Generation, Policy = NoFormattingInfo });
        Assert.AreEqual("FT4030(0,0)", run.Codes);
    }

    // Cost

    [TestMethod]
    [DataRow(15, 6)]
    [DataRow(33, 3)]
    [DataRow(32, 3)]
    [DataRow(50, 3)]
    [DataRow(3, 25)]
    public void Epochs_FollowTheCookbookHeuristic_ForSmallDatasets(int n, int epochs)
    {
        // Cookbook: 3 epochs, unless n*3 < 100 (then min(25, 100 // n)) or n*3 > 25000 (then max(1, 25000 // n)).
        using var folder = new TempFolder();
        var run = Compile(folder, "a.yaml", GenerationYaml(n), new CompileSetup { Catalog = CompileSetup.MinExamplesOne, Task = DatasetTask.Generation, Policy = NoFormattingInfo });
        var report = run.Result.Report!;

        Assert.AreEqual(Math.Min(25, n * 3 < 100 ? 100 / n : 3), epochs, "the expectation itself follows the cookbook");
        Assert.AreEqual(epochs, report.Epochs);
        Assert.AreEqual("estimated", report.EpochsSource);
        Assert.AreEqual(epochs * report.TrainTokens.Total, report.BilledTokens);
    }

    [TestMethod]
    [DataRow(5000, 3)]
    [DataRow(10000, 2)]
    public void Epochs_FollowTheCookbookHeuristic_ForLargeDatasets(int n, int epochs)
    {
        // n=5000: 5000*3 = 15000 is within 100..25000, so the cookbook keeps 3; n=10000: 25000 // 10000 = 2.
        using var folder = new TempFolder();
        var run = Compile(folder, "a.jsonl", GenerationJsonl(n), new CompileSetup { Policy = NoFormattingInfo });
        var report = run.Result.Report!;

        Assert.AreEqual("", run.Codes);
        Assert.AreEqual(n, report.TrainTokens.Examples);
        Assert.AreEqual(epochs, report.Epochs);
        Assert.AreEqual(epochs * report.TrainTokens.Total, report.BilledTokens);
    }

    [TestMethod]
    public void FineTuneEpochs_Wins()
    {
        using var folder = new TempFolder();
        var run = Compile(folder, "a.yaml", GenerationYaml(15), new CompileSetup { Catalog = CompileSetup.MinExamplesOne, Epochs = 4, Task = DatasetTask.Generation, Policy = NoFormattingInfo });
        var report = run.Result.Report!;

        Assert.AreEqual((4, "FineTuneEpochs"), (report.Epochs, report.EpochsSource));
        Assert.AreEqual(4 * report.TrainTokens.Total, report.BilledTokens);
    }

    [TestMethod]
    public void BilledTokens_CountOnlyTheTrainingFile_AndTheCostIsPriceTimesBilledRoundedToCents()
    {
        using var folder = new TempFolder();
        var yaml = GenerationYaml(12) + "- prompt: Held out\n  completion: Kept apart\n  split: validation\n";
        var run = Compile(folder, "a.yaml", yaml, new CompileSetup
        {
            Catalog = """{"models": [{"name": "babbage-002", "minExamples": 1, "trainingPricePerMillionTokens": 2345.67}]}""",
            Task = DatasetTask.Generation,
            Policy = new DiagnosticPolicy(noWarn: "FT3006;FT4030"),
        });
        var report = run.Result.Report!;

        // Each example is counted as uploaded: "Question i\n\n###\n\n" and " Answer number i END" in cl100k_base.
        var counter = TokenCounter.Create("cl100k_base");
        var train = Enumerable.Range(1, 12).Sum(i => counter.CountTokens($"Question {i}\n\n###\n\n") + counter.CountTokens($" Answer number {i} END"));
        Assert.AreEqual(train, report.TrainTokens.Total);
        Assert.AreEqual(8, report.Epochs);
        Assert.AreEqual(8L * train, report.BilledTokens);
        Assert.AreEqual(2345.67m, report.PricePerMillionTokens);
        Assert.AreEqual(Math.Round(8L * train * 2345.67m / 1_000_000m, 2), report.EstimatedCost);
        Assert.AreEqual(decimal.Round(report.EstimatedCost!.Value, 2), report.EstimatedCost);
    }

    [TestMethod]
    public void UnknownModel_HasNoPrice_AndNoCost()
    {
        using var folder = new TempFolder();
        var run = Compile(folder, "a.yaml", GenerationYaml(12), new CompileSetup { BaseModel = "mystery-model", Format = FineTune.Build.Examples.DatasetFormat.Completion, Policy = new DiagnosticPolicy(noWarn: "FT3006;FT4030;FT4001") });
        Assert.IsNull(run.Result.Report!.PricePerMillionTokens);
        Assert.IsNull(run.Result.Report.EstimatedCost);
        Assert.AreEqual(8 * run.Result.Report.TrainTokens.Total, run.Result.Report.BilledTokens);
    }
}
