using FineTune.Build.Compilation;
using FineTune.Build.Sources;

namespace FineTune.Build.Core.Tests.Compilation;

[TestClass]
public sealed class CompileProgressTests
{
    [TestMethod]
    public void A_short_compile_reports_no_progress()
    {
        using var folder = new TempFolder();
        var path = folder.Write("chat.yaml", CompileHarness.GenerationYaml(50));
        var calls = 0;
        var diagnostics = new FineTune.Build.Diagnostics.DiagnosticCollector();
        CompileResult Run(Action<CompileProgress>? progress) => new DatasetCompiler(new CompileOptions
        {
            Sources = [new SourceFile(path)],
            OutputDirectory = folder.Path,
            DatasetName = "chat",
            BaseModel = "babbage-002",
            Today = new DateOnly(2026, 11, 25),
            WriteReports = false,
            Progress = progress,
        }, diagnostics).Compile();

        // Warm first (the tokenizer's vocabulary loads once per process), so the compile itself is short.
        Run(null);
        var result = Run(_ => calls++);

        Assert.AreEqual(50, result.ExampleCount, string.Join('\n', diagnostics.Diagnostics));
        Assert.AreEqual(0, calls);
    }

    [TestMethod]
    public void Progress_counts_examples_and_estimates_input_within_the_sources()
    {
        using var folder = new TempFolder();
        var first = folder.Write("a.jsonl", new string('x', 1000));
        var second = folder.Write("b.jsonl", new string('x', 500));
        var seen = new List<CompileProgress>();
        var reporter = new ProgressReporter(seen.Add, [first, second], TimeSpan.Zero, TimeSpan.Zero);

        reporter.BeginSource(first);
        reporter.Add(400);
        reporter.Add(400);
        reporter.Report();
        reporter.Add(400);
        reporter.Report();
        reporter.BeginSource(second);
        reporter.Add(100);
        reporter.Report();

        CollectionAssert.AreEqual(new[] { 2, 3, 4 }, seen.Select(p => p.Examples).ToArray());
        CollectionAssert.AreEqual(new long[] { 800, 1000, 1100 }, seen.Select(p => p.InputBytes).ToArray());
        Assert.IsTrue(seen.All(p => p.TotalInputBytes == 1500));
    }

    [TestMethod]
    public void Progress_line_says_examples_megabytes_rate_and_what_remains()
    {
        var progress = new CompileProgress(120_000, 30_000_000, 60_000_000, TimeSpan.FromSeconds(3));

        Assert.AreEqual("120,000 examples (40,000/s), 30.0 of 60.0 MB (50%), 10.0 MB/s, about 3 s left", progress.ToString());
    }

    [TestMethod]
    public void SizeOf_FollowsASymbolicLinkToItsFile()
    {
        // Large data files are often linked into a project; the link's own size (its path's length) made the
        // progress percentage and the index's size estimate wrong.
        using var folder = new TempFolder();
        var target = folder.Write("big.csv", new string('x', 100_000));
        var link = folder.File("linked.csv");
        File.CreateSymbolicLink(link, target);

        Assert.AreEqual(100_000, ProgressReporter.SizeOf(link));
        Assert.AreEqual(100_000, ProgressReporter.SizeOf(target));
        Assert.AreEqual(0, ProgressReporter.SizeOf(folder.File("missing.csv")));
    }
}
