using FineTune.Build.Compilation;
using static FineTune.Build.Core.Tests.Compilation.CompileHarness;

namespace FineTune.Build.Core.Tests.Compilation;

/// <summary>
/// The reader thread runs ahead of the workers and the ordered stage, and an inferred task replays a spool instead
/// of reading twice; neither may change the outputs or the diagnostics' order. The order is a one-thread compile's:
/// for each batch of 512 examples, what reading and binding reported, then what the workers reported.
/// </summary>
[TestClass]
public sealed class CompilePipelineTests
{
    private const int Batch = 512;

    /// <summary>
    /// 1,300 examples: every 101st has a number for a prompt (FT2003, from the binder), every 97th an
    /// &lt;|endoftext|&gt; in its completion (FT6003, from a worker). Example 0 has both.
    /// </summary>
    private static string Mixed(out List<string> expected)
    {
        var lines = new List<string>();
        var bindErrors = new List<(int Batch, string Diagnostic)>();
        var workerErrors = new List<(int Batch, string Diagnostic)>();
        for (var i = 0; i < 1300; i++)
        {
            var prompt = i % 101 == 0 ? "5" : $"\"Question {i}\"";
            var completion = i % 97 == 0 ? $" Answer {i} <|endoftext|>" : $" Answer number {i}";
            lines.Add($"{{\"prompt\": {prompt}, \"completion\": \"{completion}\"}}");
            if (i % 101 == 0)
            {
                bindErrors.Add((i / Batch, $"FT2003({i + 1},"));
            }

            if (i % 97 == 0)
            {
                workerErrors.Add((i / Batch, $"FT6003({i + 1},"));
            }
        }

        expected = [];
        for (var b = 0; b <= 1300 / Batch; b++)
        {
            expected.AddRange(bindErrors.Where(e => e.Batch == b).Select(e => e.Diagnostic));
            expected.AddRange(workerErrors.Where(e => e.Batch == b).Select(e => e.Diagnostic));
        }

        return string.Join("\n", lines) + "\n";
    }

    private static List<string> Located(CompileHarness.Run run, params string[] codes)
        => run.All.Where(d => codes.Contains(d.Code)).Select(d => $"{d.Code}({d.Line},").ToList();

    [TestMethod]
    public void DiagnosticsComeOutPerBatch_BindersThenWorkers_WhateverTheThreads()
    {
        var text = Mixed(out var expected);
        // Inferred from all 1,300 records (the default probe holds them all), guessed from the first 100, and set.
        foreach (var (task, probe) in new (DatasetTask?, int)[] { (null, CompileOptions.DefaultProbeRecords), (null, 100), (DatasetTask.Generation, 100) })
        {
            using var folder = new TempFolder();
            var run = CompileHarness.Compile(folder, "a.jsonl", text, new CompileSetup { Task = task, ProbeRecords = probe });

            CollectionAssert.AreEqual(expected, Located(run, "FT2003", "FT6003"), $"task {task?.ToString() ?? "inferred"}, probe {probe}");
        }
    }

    [TestMethod]
    public void AnInferredTaskReadsOnceAndGivesTheSameBytesAndDiagnosticsAsASetOne()
    {
        // YAML, so the spool carries plain scalars, block text and reader errors (an unknown escape) between records.
        var yaml = string.Concat(Enumerable.Range(0, 1200).Select(i => i % 400 == 7
            ? $"- prompt: \"Bad \\q escape {i}\"\n  completion: x\n"
            : $"- prompt: |\n    Question {i}\n    with two lines\n  completion: \" {(i % 2 == 0 ? "yes" : "no")}\"\n"));
        using var inferredFolder = new TempFolder();
        var inferred = CompileHarness.Compile(inferredFolder, "a.yaml", yaml);
        using var setFolder = new TempFolder();
        var set = CompileHarness.Compile(setFolder, "a.yaml", yaml, new CompileSetup { Task = DatasetTask.Classification });

        Assert.AreEqual(DatasetTask.Classification, inferred.Result.Task);
        StringAssert.Contains(CompileHarness.Fingerprint(inferred, inferredFolder), "FT1003");
        Assert.AreEqual(CompileHarness.Fingerprint(set, setFolder), CompileHarness.Fingerprint(inferred, inferredFolder));
        Assert.AreEqual(0, Directory.GetFiles(inferredFolder.File("obj"), "*.tmp").Length, "the spool is gone");
    }

    [TestMethod]
    public void OutputBytesInReusedBlocksAreEachExampleExactly_AcrossBatchesAndSizes()
    {
        // Output bytes wait in reused blocks until written: a block handed back too early, or shared by two workers,
        // would put one example's bytes in another's line. Sizes vary, and some examples are too large for a block.
        var lines = Enumerable.Range(0, 5000).Select(i => $"{{\"messages\": [{{\"role\": \"user\", \"content\": \"Q{i} {new string('q', i % 97)}\"}}, {{\"role\": \"assistant\", \"content\": \"A{i} {new string('a', (i % 501 == 0) ? 20_000 : (i % 211))}\"}}]}}").ToList();
        using var folder = new TempFolder();
        var run = CompileHarness.Compile(folder, "a.jsonl", string.Join("\n", lines) + "\n", new CompileSetup { BaseModel = "gpt-4o-mini-2024-07-18", Task = DatasetTask.Generation, Fraction = 0 });

        Assert.IsTrue(run.Result.Succeeded, string.Join("\n", run.All.Take(5)));
        var written = File.ReadAllLines(Path.Combine(folder.File("bin"), "ads.train.jsonl"));
        for (var i = 0; i < lines.Count; i++)
        {
            Assert.AreEqual(lines[i], written[i], $"line {i + 1}: {written[i].Length} chars, {written[i][..Math.Min(120, written[i].Length)]}");
        }

        Assert.AreEqual(lines.Count, written.Length);
    }

    [TestMethod]
    public void ThousandsOfBadRecordsInOneBatchKeepTheirOrderAheadOfTheWorkers()
    {
        // 6,000 records that are no example fill no batch: the reader passes their diagnostics straight on once the
        // ordered stage is idle instead of holding them, and they still come before the workers' diagnostics of
        // the examples that follow.
        var bad = string.Concat(Enumerable.Repeat("{\"text\": \"not an example\"}\n", 6000));
        var good = string.Concat(Enumerable.Range(0, 600).Select(i => $"{{\"prompt\": \"Q {i}\", \"completion\": \" A {i}{(i == 3 ? " <|endoftext|>" : "")}\"}}\n"));
        using var folder = new TempFolder();
        var run = CompileHarness.Compile(folder, "a.jsonl", bad + good, new CompileSetup { Task = DatasetTask.Generation });

        var located = run.All.Select(d => $"{d.Code}({d.Line})").Where(l => l.StartsWith("FT2009", StringComparison.Ordinal) || l.StartsWith("FT6003", StringComparison.Ordinal)).ToList();
        var expected = Enumerable.Range(1, 6000).Select(line => $"FT2009({line})").Append("FT6003(6004)").ToList();
        CollectionAssert.AreEqual(expected, located, string.Join(" ", located.Take(3)));
    }

    [TestMethod]
    public void ChangingTheSeparatorOrStopFixesEveryExampleButNeverReshufflesTheSplit()
    {
        // The split hashes each example as bound, before Append mode's fixes; unfixed examples are hashed by their
        // output bytes, which are the same bytes.
        var jsonl = string.Concat(Enumerable.Range(0, 400).Select(i => i % 3 == 0
            ? $"{{\"prompt\": \"Question {i}\\n\\n###\\n\\n\", \"completion\": \" Answer {i} END\"}}\n"
            : $"{{\"prompt\": \"Question {i}\", \"completion\": \"Answer {i}\"}}\n"));
        List<string> ValidationPrompts(FineTune.Build.Rules.FormattingOptions formatting)
        {
            using var folder = new TempFolder();
            var run = CompileHarness.Compile(folder, "a.jsonl", jsonl, new CompileSetup { Task = DatasetTask.Generation, Fraction = 0.25, Formatting = formatting });
            Assert.IsTrue(run.Result.Succeeded, run.Codes);
            return File.ReadAllLines(run.Result.ValidationPath!).Select(l => l[l.IndexOf("Question", StringComparison.Ordinal)..].Split('\\')[0]).ToList();
        }

        var hashes = ValidationPrompts(FineTune.Build.Rules.FormattingOptions.Default);
        var dashes = ValidationPrompts(new FineTune.Build.Rules.FormattingOptions(FineTune.Build.Rules.FormattingMode.Append, "\n\n---\n\n", " STOP"));

        Assert.IsTrue(hashes.Count is > 60 and < 140, $"{hashes.Count} validation examples");
        CollectionAssert.AreEqual(hashes, dashes);
    }

    [TestMethod]
    [DataRow("", -1, "")]
    [DataRow("0", -1, "")]
    [DataRow("1", 1, "")]
    [DataRow(" 3 ", 3, "")]
    [DataRow("-2", 0, "FT0001")]
    [DataRow("many", 0, "FT0001")]
    public void FineTuneCompileParallelism_SetsTheWorkers_ZeroOrEmptyMeansOnePerCore(string value, int workers, string codes)
    {
        var settings = new CompileSettings { OutputDirectory = "out", DatasetName = "d", Parallelism = value };
        settings.Sources.Add(("a.jsonl", new Dictionary<string, string?>()));
        var diagnostics = new FineTune.Build.Diagnostics.DiagnosticCollector();
        var options = settings.ToOptions(diagnostics);

        Assert.AreEqual(codes, string.Join(" ", diagnostics.Diagnostics.Select(d => d.Code)));
        if (codes == "")
        {
            Assert.AreEqual(workers < 0 ? Environment.ProcessorCount : workers, options!.Parallelism);
        }
        else
        {
            StringAssert.Contains(diagnostics.Diagnostics[0].Message, "FineTuneCompileParallelism");
        }
    }

    [TestMethod]
    public void AnInferredTaskOfMoreThanTheSpoolsMemoryBudget_ReplaysFromItsFile_AndLeavesNoFile()
    {
        // About 25 MB of spool: past RecordSpool.DefaultMemoryBudget, so the compile reads back from obj/*.spool.tmp.
        // The first 3,000 examples answer yes or no, so the task guessed from the first records (classification) is
        // wrong, and the compile replays the spool.
        const int count = 150_000;
        var lines = GenerationJsonl(count).Split('\n');
        for (var i = 0; i < 3000; i++)
        {
            lines[i] = $"{{\"prompt\": \"Question {i + 1}\", \"completion\": \"{(i % 2 == 0 ? "yes" : "no")}\"}}";
        }

        using var folder = new TempFolder();
        var run = CompileHarness.Compile(folder, "a.jsonl", string.Join("\n", lines));

        Assert.IsTrue(run.Result.Succeeded, run.Codes);
        Assert.AreEqual(DatasetTask.Generation, run.Result.Task);
        Assert.IsTrue(run.Compiler.StartedOver, "the guess (classification) failed and the spool was replayed");
        var written = File.ReadAllLines(run.Result.TrainPath);
        Assert.AreEqual(count, written.Length);
        Assert.AreEqual("{\"prompt\": \"Question 150000\\n\\n###\\n\\n\", \"completion\": \" Answer number 150000 END\"}", written[^1]);
        Assert.AreEqual(0, Directory.GetFiles(folder.File("obj"), "*.tmp").Length);
    }
}
