using FineTune.Build.Compilation;
using FineTune.Build.Diagnostics;
using FineTune.Build.Examples;
using FineTune.Build.Rules;
using FineTune.Build.Sources;
using static FineTune.Build.Core.Tests.TestFiles;

namespace FineTune.Build.Core.Tests.Compilation;

[TestClass]
public sealed class DatasetCompilerTests
{
    private static (CompileResult Result, DiagnosticCollector Diagnostics) Compile(
        TempFolder folder, IReadOnlyList<SourceFile> sources, string? baseModel = "babbage-002",
        DatasetFormat? format = null, DatasetTask? task = null, double? fraction = null, FormattingOptions? formatting = null)
    {
        // These tests are about the compiler's mechanics on tiny datasets: a project catalog lowers the API's
        // minimum of 10 examples, and the size and lifecycle guidance (tested in RuleTests) is not shown.
        var diagnostics = new DiagnosticCollector(new DiagnosticPolicy(noWarn: "FT4030;FT4004;FT4021"), maxReported: 1000);
        var catalog = folder.Write("catalog.json",
            """{"models": [{"name": "babbage-002", "minExamples": 1}, {"name": "gpt-4o-mini-2024-07-18", "minExamples": 1}]}""");
        var compiler = new DatasetCompiler(new CompileOptions
        {
            ModelCatalogPath = catalog,
            WriteReports = false,
            Today = new DateOnly(2026, 11, 25),
            Sources = sources,
            OutputDirectory = folder.File("bin"),
            IntermediateDirectory = folder.File("obj"),
            DatasetName = "ads",
            BaseModel = baseModel,
            Format = format,
            Task = task,
            ValidationFraction = fraction,
            Formatting = formatting ?? FormattingOptions.Default,
        }, diagnostics);
        return (compiler.Compile(), diagnostics);
    }

    private static string Text(string path) => File.ReadAllText(path, Utf8);

    private static string Files(TempFolder folder, string sub)
        => Directory.Exists(folder.File(sub))
            ? string.Join(",", Directory.GetFiles(folder.File(sub)).Select(Path.GetFileName).Order(StringComparer.Ordinal))
            : "";

    private static string GenerationYaml(int count, string extra = "")
        => string.Concat(Enumerable.Range(1, count).Select(i => $"- prompt: Question {i}\n  completion: Answer number {i}\n{extra}"));

    [TestMethod]
    public void Success_WritesTrainOnly_WithExactBytes_AndNoTempFiles()
    {
        using var folder = new TempFolder();
        var yaml = folder.Write("ads.yaml", "- prompt: q1\n  completion: a1\n- prompt: q2\n  completion: a2\n- prompt: q3\n  completion: a3\n");
        var (result, diagnostics) = Compile(folder, [new SourceFile(yaml)]);

        Assert.AreEqual("FT3006(1,3)", Codes(diagnostics));
        Assert.IsTrue(result.Succeeded);
        Assert.AreEqual((DatasetFormat.Completion, DatasetTask.Generation, 3, 3, 0), (result.Format, result.Task, result.ExampleCount, result.TrainCount, result.ValidationCount));
        Assert.AreEqual(
            "{\"prompt\": \"q1\\n\\n###\\n\\n\", \"completion\": \" a1 END\"}\n{\"prompt\": \"q2\\n\\n###\\n\\n\", \"completion\": \" a2 END\"}\n{\"prompt\": \"q3\\n\\n###\\n\\n\", \"completion\": \" a3 END\"}\n",
            Text(result.TrainPath));
        Assert.AreEqual(folder.File("bin/ads.train.jsonl"), result.TrainPath);
        Assert.IsNull(result.ValidationPath);
        Assert.AreEqual("ads.train.jsonl", Files(folder, "bin"));
        Assert.AreEqual("ads.finetune.complete,ads.train.sourcemap.tsv", Files(folder, "obj"));
        CollectionAssert.AreEqual(new[] { result.TrainPath }, result.OutputFiles.ToArray());
    }

    [TestMethod]
    public void FailedCompile_DeletesEarlierOutputs_AndLeavesNoTemp()
    {
        using var folder = new TempFolder();
        var yaml = folder.Write("ads.yaml", "- prompt: q1\n  completion: a1\n  split: validation\n- prompt: q2\n  completion: a2\n");
        var (first, _) = Compile(folder, [new SourceFile(yaml)]);
        Assert.IsTrue(first.Succeeded);
        Assert.AreEqual("ads.train.jsonl,ads.validation.jsonl", Files(folder, "bin"));

        folder.Write("ads.yaml", "- prompt: q1\n  completion: a1\n  label: x\n- prompt: q2\n  completion: a2\n");
        var (second, diagnostics) = Compile(folder, [new SourceFile(yaml)]);

        Assert.IsFalse(second.Succeeded);
        Assert.AreEqual("FT2001(3,3) FT3006(4,3)", Codes(diagnostics));
        Assert.AreEqual("", Files(folder, "bin"));
        Assert.AreEqual("", Files(folder, "obj"));
        Assert.IsEmpty(second.OutputFiles);
        Assert.IsNull(second.ValidationPath);
    }

    [TestMethod]
    public void StrictModeViolations_FailTheCompile_WithEveryViolation()
    {
        using var folder = new TempFolder();
        var yaml = folder.Write("ads.yaml", "- prompt: q1\n  completion: a1\n- prompt: q2\n  completion: a2\n");
        var (result, diagnostics) = Compile(folder, [new SourceFile(yaml)], formatting: FormattingOptions.Default with { Mode = FormattingMode.Strict });

        Assert.IsFalse(result.Succeeded);
        Assert.AreEqual("FT3001(1,11) FT3002(2,15) FT3003(2,15) FT3001(3,11) FT3002(4,15) FT3003(4,15)", Codes(diagnostics));
        Assert.AreEqual("", Files(folder, "bin"));
    }

    [TestMethod]
    public void WarningsOnly_Succeed()
    {
        using var folder = new TempFolder();
        var yaml = folder.Write("chat.yaml", "- messages:\n    - {role: user, content: Capital of France?}\n    - {role: assistant, content: Paris, as if everyone doesn't know that already.}\n");
        var (result, diagnostics) = Compile(folder, [new SourceFile(yaml)], baseModel: "gpt-4o-mini");

        Assert.AreEqual("FT1009(3,41)", Codes(diagnostics));
        Assert.IsTrue(result.Succeeded);
        Assert.AreEqual(
            "{\"messages\": [{\"role\": \"user\", \"content\": \"Capital of France?\"}, {\"role\": \"assistant\", \"content\": \"Paris, as if everyone doesn't know that already.\"}]}\n",
            Text(result.TrainPath));
    }

    [TestMethod]
    public void ValidationFile_OnlyWhenTheSplitHasExamples_AndStaleOneRemoved()
    {
        using var folder = new TempFolder();
        var yaml = folder.Write("ads.yaml", "- prompt: q1\n  completion: a1\n- prompt: q2\n  completion: a2\n  split: validation\n");
        var (first, _) = Compile(folder, [new SourceFile(yaml)]);

        Assert.AreEqual((1, 1), (first.TrainCount, first.ValidationCount));
        Assert.AreEqual(folder.File("bin/ads.validation.jsonl"), first.ValidationPath);
        Assert.AreEqual("{\"prompt\": \"q2\\n\\n###\\n\\n\", \"completion\": \" a2 END\"}\n", Text(first.ValidationPath!));
        Assert.AreEqual("ads.finetune.complete,ads.train.sourcemap.tsv,ads.validation.sourcemap.tsv", Files(folder, "obj"));

        folder.Write("ads.yaml", "- prompt: q1\n  completion: a1\n- prompt: q2\n  completion: a2\n");
        var (second, _) = Compile(folder, [new SourceFile(yaml)]);

        Assert.IsTrue(second.Succeeded);
        Assert.IsNull(second.ValidationPath);
        Assert.AreEqual("ads.train.jsonl", Files(folder, "bin"));
        Assert.AreEqual("ads.finetune.complete,ads.train.sourcemap.tsv", Files(folder, "obj"));
    }

    [TestMethod]
    public void SourceMap_MapsEachOutputLineToItsSource()
    {
        using var folder = new TempFolder();
        var yaml = folder.Write("a.yaml", "examples:\n  - prompt: q1\n    completion: a1\n\n  - prompt: q2\n    completion: a2\n");
        var jsonl = folder.Write("b.jsonl", "\n{\"prompt\": \"q3\", \"completion\": \"a3\"}\n");
        var csv = folder.Write("c.csv", "x,prompt,completion\n1,\"q\n4\",a4\n");
        var (result, diagnostics) = Compile(folder, [new SourceFile(yaml), new SourceFile(jsonl), new SourceFile(csv)]);

        Assert.IsTrue(result.Succeeded, Codes(diagnostics));
        Assert.AreEqual(
            $"1\t{yaml}\t2\t5\n2\t{yaml}\t5\t5\n3\t{jsonl}\t2\t1\n4\t{csv}\t2\t1\n",
            Text(folder.File("obj/ads.train.sourcemap.tsv")));
    }

    [TestMethod]
    public void FewDistinctLabels_InferClassification_NoStopAppended()
    {
        using var folder = new TempFolder();
        var yaml = folder.Write("ads.yaml", string.Concat(Enumerable.Range(1, 12).Select(i => $"- prompt: Ad {i}\n  completion: {(i % 3 == 0 ? "no" : "yes")}\n")));
        var (result, diagnostics) = Compile(folder, [new SourceFile(yaml)], fraction: 0);

        Assert.AreEqual("FT3006(1,3)", Codes(diagnostics));
        Assert.AreEqual((DatasetTask.Classification, 2, 12), (result.Task, result.ClassCount, result.TrainCount));
        var lines = Text(result.TrainPath).Split('\n');
        Assert.AreEqual("{\"prompt\": \"Ad 1\\n\\n###\\n\\n\", \"completion\": \" yes\"}", lines[0]);
        Assert.AreEqual("{\"prompt\": \"Ad 3\\n\\n###\\n\\n\", \"completion\": \" no\"}", lines[2]);
        StringAssert.Contains(diagnostics.Diagnostics[0].Message, "a leading space to 12 completion(s)");
        Assert.DoesNotContain("stop sequence", diagnostics.Diagnostics[0].Message);
    }

    [TestMethod]
    public void ManyDistinctCompletions_InferGeneration()
    {
        using var folder = new TempFolder();
        var yaml = folder.Write("gen.yaml", GenerationYaml(12));
        var (result, _) = Compile(folder, [new SourceFile(yaml)]);

        Assert.AreEqual((DatasetTask.Generation, 0, 12, 0), (result.Task, result.ClassCount, result.TrainCount, result.ValidationCount));
        StringAssert.StartsWith(Text(result.TrainPath), "{\"prompt\": \"Question 1\\n\\n###\\n\\n\", \"completion\": \" Answer number 1 END\"}\n");
    }

    [TestMethod]
    public void Classification_DefaultsToA20PercentValidationSplit()
    {
        using var folder = new TempFolder();
        var source = new SourceFile(Shared("labelled_transactions.csv"))
        {
            PromptTemplate = "{Date} {Supplier} {Description}",
            CompletionTemplate = "{Classification}",
        };
        var (result, diagnostics) = Compile(folder, [source]);

        // With the date in the prompt the ALDL rows no longer conflict (the real file still has exact duplicates).
        Assert.AreEqual(0, diagnostics.ErrorCount, Codes(diagnostics));
        StringAssert.Contains(Codes(diagnostics), "FT3006(2,1)");
        Assert.IsTrue(result.Succeeded);
        Assert.AreEqual((DatasetTask.Classification, 5, 101), (result.Task, result.ClassCount, result.ExampleCount));
        Assert.AreEqual(101, result.TrainCount + result.ValidationCount);
        Assert.IsGreaterThan(0, result.ValidationCount);

        // Identical examples would land on the same side, so the same prompt is never in both files.
        var train = File.ReadAllLines(result.TrainPath).ToHashSet();
        Assert.AreEqual(0, File.ReadAllLines(result.ValidationPath!).Count(train.Contains));
        Assert.AreEqual(result.TrainCount, File.ReadAllLines(result.TrainPath).Length);
        Assert.AreEqual(result.ValidationCount, File.ReadAllLines(result.ValidationPath!).Length);

        // The source maps of both files together name every physical line 2..102 once.
        var mapped = File.ReadAllLines(folder.File("obj/ads.train.sourcemap.tsv"))
            .Concat(File.ReadAllLines(folder.File("obj/ads.validation.sourcemap.tsv")))
            .Select(l => int.Parse(l.Split('\t')[2], System.Globalization.CultureInfo.InvariantCulture))
            .Order();
        Assert.AreEqual(string.Join(",", Enumerable.Range(2, 101)), string.Join(",", mapped));
    }

    [TestMethod]
    public void Split_IsStableWhenExamplesAreAdded()
    {
        using var folder = new TempFolder();
        var yaml = folder.Write("gen.yaml", GenerationYaml(60));
        var (first, _) = Compile(folder, [new SourceFile(yaml)], fraction: 0.3);
        var validationBefore = File.ReadAllLines(first.ValidationPath!);

        folder.Write("gen.yaml", "- prompt: New first\n  completion: New answer\n" + GenerationYaml(60) + "- prompt: New last\n  completion: Another\n");
        var (second, _) = Compile(folder, [new SourceFile(yaml)], fraction: 0.3);
        var validationAfter = File.ReadAllLines(second.ValidationPath!);

        Assert.IsGreaterThan(5, validationBefore.Length);
        Assert.AreEqual(0, validationBefore.Except(validationAfter).Count());
        Assert.AreEqual(62, second.TrainCount + second.ValidationCount);
    }

    [TestMethod]
    public void RealFile_FineTuningSample_ReEmitsByteForByte_WithAFinalNewline()
    {
        using var folder = new TempFolder();
        var path = Shared("fine_tuning_sample.jsonl");
        var (result, diagnostics) = Compile(folder, [new SourceFile(path)], baseModel: "gpt-4o-mini-2024-07-18");

        Assert.AreEqual("", Codes(diagnostics));
        Assert.AreEqual((DatasetFormat.Chat, DatasetTask.Generation, 10), (result.Format, result.Task, result.TrainCount));
        CollectionAssert.AreEqual(File.ReadAllBytes(path).Append((byte)'\n').ToArray(), File.ReadAllBytes(result.TrainPath));
    }

    [TestMethod]
    public void RealFile_DroneTraining_ReEmitsByteForByte()
    {
        using var folder = new TempFolder();
        var path = Shared("drone_training.jsonl");
        var (result, diagnostics) = Compile(folder, [new SourceFile(path)], baseModel: null);

        Assert.AreEqual("", Codes(diagnostics));
        Assert.AreEqual((DatasetFormat.Chat, DatasetTask.Generation, 103), (result.Format, result.Task, result.TrainCount));
        CollectionAssert.AreEqual(File.ReadAllBytes(path), File.ReadAllBytes(result.TrainPath));
    }

    [TestMethod]
    public void FormatFromTheFirstExample_WhenNoModelOrFormat_AndOtherFormatsAreFT2004()
    {
        using var folder = new TempFolder();
        var jsonl = folder.Write("mixed.jsonl", "{\"prompt\": \"q\", \"completion\": \"a\"}\n{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}\n");
        var (result, diagnostics) = Compile(folder, [new SourceFile(jsonl)], baseModel: null);

        Assert.AreEqual(DatasetFormat.Completion, result.Format);
        Assert.IsFalse(result.Succeeded);
        Assert.AreEqual("FT2004(2,1) FT3006(1,1)", Codes(diagnostics));
    }

    [TestMethod]
    public void UnknownExtension_IsFT1002()
    {
        using var folder = new TempFolder();
        var txt = folder.Write("notes.txt", "hello\n");
        var (result, diagnostics) = Compile(folder, [new SourceFile(txt)]);

        Assert.IsFalse(result.Succeeded);
        Assert.AreEqual("FT1002(0,0)", Codes(diagnostics));
    }

    [TestMethod]
    public void MalformedJsonlEscape_FailsTheCompileWithADiagnostic_NotAnException()
    {
        using var folder = new TempFolder();
        var jsonl = folder.Write("a.jsonl", "{\"prompt\": \"q\", \"completion\": \"\\udc00\"}\n");
        CompileResult? result = null;
        DiagnosticCollector? diagnostics = null;
        var thrown = Record(() => (result, diagnostics) = Compile(folder, [new SourceFile(jsonl)]));

        Assert.IsNull(thrown, thrown?.ToString());
        Assert.IsFalse(result!.Succeeded);
        Assert.AreEqual("FT1004(1,31)", Codes(diagnostics!));
        Assert.AreEqual("", Files(folder, "bin"));
    }

    private static Exception? Record(Action action)
    {
        try
        {
            action();
            return null;
        }
        catch (Exception ex)
        {
            return ex;
        }
    }
}
