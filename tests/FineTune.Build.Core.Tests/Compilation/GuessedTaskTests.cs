using FineTune.Build.Compilation;

namespace FineTune.Build.Core.Tests.Compilation;

/// <summary>
/// With FineTuneTask unset, the compile guesses the task from the first records and compiles with the guess while
/// it spools and surveys the rest; the whole dataset must confirm the guess, or the compile starts over from the
/// spool. Either way the outputs and the diagnostics are exactly those of a compile with the task set to what the
/// whole dataset gives, and nothing of a failed guess (outputs, diagnostics, temporary files) is left.
/// </summary>
[TestClass]
public sealed class GuessedTaskTests
{
    /// <summary>Guess from the first 100 records, so small datasets exercise the guess.</summary>
    private const int Probe = 100;

    private static (CompileHarness.Run Run, string Outputs) Compile(string jsonl, DatasetTask? task)
    {
        using var folder = new TempFolder();
        var run = CompileHarness.Compile(folder, "a.jsonl", jsonl, new CompileSetup { Task = task, ProbeRecords = Probe });
        Assert.AreEqual(0, Directory.GetFiles(folder.File("obj"), "*.tmp").Length, "no spool or temporary output is left");
        return (run, CompileHarness.Fingerprint(run, folder));
    }

    /// <summary>Equal texts, or the first line that differs (the texts run to thousands of lines).</summary>
    private static void AssertSame(string expected, string actual)
    {
        var e = expected.Split('\n');
        var a = actual.Split('\n');
        var at = Enumerable.Range(0, Math.Min(e.Length, a.Length)).FirstOrDefault(i => e[i] != a[i], -1);
        Assert.IsTrue(at < 0 && e.Length == a.Length, at < 0 ? $"{a.Length} lines, expected {e.Length}" : $"line {at + 1}:\n{a[at]}\nexpected:\n{e[at]}");
    }

    private static string Line(string prompt, string completion) => $"{{\"prompt\": \"{prompt}\", \"completion\": \"{completion}\"}}\n";

    [TestMethod]
    public void AGuessThatTheWholeDatasetConfirms_IsCompiledOnce_AsIfTheTaskWereSet()
    {
        // Two labels from the first record on: classification. Every 250th example repeats an earlier one (FT6001,
        // from the ordered stage) and every 300th has a number for a prompt (FT2003, from the binder).
        var jsonl = string.Concat(Enumerable.Range(0, 3000).Select(i => i % 300 == 299
            ? $"{{\"prompt\": 7, \"completion\": \" no\"}}\n"
            : Line(i % 250 == 249 ? "Question 3" : $"Question {i}", i % 2 == 1 ? " yes" : " no")));

        var inferred = Compile(jsonl, task: null);
        var set = Compile(jsonl, DatasetTask.Classification);

        Assert.AreEqual(DatasetTask.Classification, inferred.Run.Result.Task);
        Assert.IsFalse(inferred.Run.Compiler.StartedOver, "the guess held");
        StringAssert.Contains(inferred.Outputs, "FT6001");
        StringAssert.Contains(inferred.Outputs, "FT2003");
        AssertSame(set.Outputs, inferred.Outputs);
    }

    [TestMethod]
    public void AClassificationGuessThatTheRestDisproves_StartsOverAsGeneration()
    {
        // 300 yes/no answers, then 1,000 distinct ones: the first 100 say classification, the whole says generation
        // (1,002 distinct answers of 1,300). As classification the distinct answers would each be FT4020 (more than
        // one token); none of that may leak into the generation compile. Two exact duplicates (FT6001), one on each side.
        var lines = Enumerable.Range(0, 1300).Select(i => Line($"Question {i}", i < 300 ? (i % 2 == 1 ? " yes" : " no") : $" Answer number {i}")).ToList();
        lines[5] = lines[3];
        lines[900] = lines[898];
        var jsonl = string.Concat(lines);

        var inferred = Compile(jsonl, task: null);
        var set = Compile(jsonl, DatasetTask.Generation);

        Assert.AreEqual(DatasetTask.Generation, inferred.Run.Result.Task);
        Assert.IsTrue(inferred.Run.Compiler.StartedOver, "the guess failed");
        Assert.IsTrue(inferred.Run.Result.Succeeded, inferred.Run.Codes);
        Assert.IsFalse(inferred.Outputs.Contains("FT4020", StringComparison.Ordinal), inferred.Outputs);
        StringAssert.Contains(inferred.Outputs, "FT6001");
        AssertSame(set.Outputs, inferred.Outputs);
    }

    [TestMethod]
    public void AGenerationGuessThatTheRestDisproves_StartsOverAsClassification_WithItsValidationSplit()
    {
        // 150 distinct answers, then 2,000 yes/no: generation for the first 100, classification for the whole (152
        // distinct answers of 2,150), which also changes the default validation fraction from 0 to 0.2.
        var jsonl = string.Concat(Enumerable.Range(0, 2150).Select(i => Line($"Question {i}", i < 150 ? $" Answer {i}" : i % 2 == 1 ? " yes" : " no")));

        var inferred = Compile(jsonl, task: null);
        var set = Compile(jsonl, DatasetTask.Classification);

        Assert.AreEqual(DatasetTask.Classification, inferred.Run.Result.Task);
        Assert.IsTrue(inferred.Run.Compiler.StartedOver, "the guess failed");
        Assert.IsTrue(inferred.Run.Result.ValidationCount > 300, $"{inferred.Run.Result.ValidationCount} validation examples");
        AssertSame(set.Outputs, inferred.Outputs);
    }

    [TestMethod]
    public void AGuessThatWouldHoldTooManyDiagnostics_StartsOverFromTheSpool()
    {
        // 12,000 duplicates (FT6001 each) of 400 distinct examples: holding them all until the end could cost memory
        // without bound, so past DiagnosticCollector.KeptLimit the compile gives up its (right) guess and replays.
        var jsonl = string.Concat(Enumerable.Range(0, 12_400).Select(i => Line($"Question {i % 400}", i % 400 % 2 == 1 ? " yes" : " no")));

        var inferred = Compile(jsonl, task: null);
        var set = Compile(jsonl, DatasetTask.Classification);

        Assert.AreEqual(DatasetTask.Classification, inferred.Run.Result.Task);
        Assert.IsTrue(inferred.Run.Compiler.StartedOver, "the guess was given up");
        Assert.IsTrue(inferred.Run.Diagnostics.WarningCount >= 12_000, inferred.Run.Codes[..200]);
        AssertSame(set.Outputs, inferred.Outputs);
    }

    [TestMethod]
    [DataRow(false)]
    [DataRow(true)]
    public void AcrossSources_TheGuessAndTheStartOverKeepEachSourcesRecordsAndDiagnostics(bool disproved)
    {
        // Three sources; the probe (100 records) ends inside the second. Each has a reader error (FT1004, a bad escape) and a
        // duplicate of an example in another source. Disproved: the third source's answers are all distinct.
        string Source(int n, int from, bool distinct) => string.Concat(Enumerable.Range(from, n).Select(i => i == from + 7
            ? "{\"prompt\": \"Bad \\q escape\", \"completion\": \" no\"}\n"
            : i == from + 9 ? Line("Question 1", " yes")
            : Line($"Question {i}", distinct ? $" Answer number {i}" : i % 2 == 1 ? " yes" : " no")));
        var texts = new[] { Source(60, 0, false), Source(80, 100, false), Source(disproved ? 900 : 300, 1000, disproved) };
        var task = disproved ? DatasetTask.Generation : DatasetTask.Classification;
        (CompileHarness.Run Run, string Outputs) Run(DatasetTask? set)
        {
            using var folder = new TempFolder();
            var sources = texts.Select((t, i) => new FineTune.Build.Sources.SourceFile(folder.Write($"s{i}.jsonl", t))).ToList();
            var run = CompileHarness.Compile(folder, sources, new CompileSetup { Task = set, ProbeRecords = Probe });
            return (run, CompileHarness.Fingerprint(run, folder));
        }

        var inferred = Run(null);
        var set = Run(task);

        Assert.AreEqual(task, inferred.Run.Result.Task);
        Assert.AreEqual(disproved, inferred.Run.Compiler.StartedOver);
        StringAssert.Contains(inferred.Outputs, "FT1004");
        StringAssert.Contains(inferred.Outputs, "FT6001");
        AssertSame(set.Outputs, inferred.Outputs);
    }

    [TestMethod]
    public void ADatasetThatFitsInTheProbe_IsCompiledFromTheHeldRecords()
    {
        // 60 records, fewer than the probe: the survey saw them all, so the task is known, and nothing is guessed.
        var jsonl = string.Concat(Enumerable.Range(0, 60).Select(i => Line($"Question {i}", i % 3 == 0 ? " yes" : " no")));

        var inferred = Compile(jsonl, task: null);
        var set = Compile(jsonl, DatasetTask.Classification);

        Assert.AreEqual(DatasetTask.Classification, inferred.Run.Result.Task);
        Assert.IsFalse(inferred.Run.Compiler.StartedOver);
        AssertSame(set.Outputs, inferred.Outputs);
    }
}
