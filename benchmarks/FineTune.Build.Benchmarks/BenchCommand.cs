using System.Diagnostics;
using System.Globalization;
using FineTune.Build.Compilation;
using FineTune.Build.Diagnostics;
using FineTune.Build.Sources;
using FineTune.Build.Tokens;
using Microsoft.ML.Tokenizers;

namespace FineTune.Build.Benchmarks;

/// <summary>
/// <c>bench</c>: generates each format at each size, then measures in the same run the parse-only baseline (the
/// read stage alone), the tokenizer alone (Microsoft.ML.Tokenizers, one warm instance per core over the same
/// strings), each stage of a one-worker compile, and the whole compile with one worker and with one per core; the
/// whole compile also runs in a child process for its peak working set. Prints a Markdown table; ratios are what
/// count on a shared machine.
/// </summary>
public static class BenchCommand
{
    /// <summary>Tokenizer-alone baseline: at most this many examples' strings are held in memory.</summary>
    private const int MaxTokenizerExamples = 100_000;

    /// <summary>Each timing is the best of this many runs (--repeat): on a shared machine the best is the least disturbed.</summary>
    private static int s_repeat = 3;

    public static int Run(string[] args)
    {
        var sizes = Option(args, "--examples", "10000,100000").Split(',').Select(n => int.Parse(n, CultureInfo.InvariantCulture)).ToArray();
        var formats = Option(args, "--formats", string.Join(',', DataGenerator.Formats)).Split(',');
        s_repeat = int.Parse(Option(args, "--repeat", "3"), CultureInfo.InvariantCulture);
        var cores = Environment.ProcessorCount;
        Console.WriteLine($"# FineTune.Build bench: {cores} cores, {RuntimeVersion()}, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, load average {LoadAverage()}");
        Console.WriteLine();
        Console.WriteLine("| format | examples | MB | measure | s | MB/s | examples/s | vs tokenizer alone | peak WS MB |");
        Console.WriteLine("|---|---:|---:|---|---:|---:|---:|---:|---:|");
        foreach (var format in formats)
        {
            foreach (var size in sizes)
            {
                RunOne(format, size, cores);
            }
        }

        return 0;
    }

    /// <summary>
    /// <c>compile-child &lt;folder&gt; &lt;format&gt; &lt;workers&gt; [task]</c>: one cold compile (the task inferred, or
    /// set: classification, generation); prints seconds, peak working set and examples, then (ignored by the bench)
    /// the GC's counts of gen0/gen1/gen2 collections and its heap; with FINETUNE_BENCH_GC=1, the GC's events by
    /// reason and type on stderr (see <see cref="GcListener"/>).
    /// </summary>
    public static int Child(string[] args)
    {
        using var listener = Environment.GetEnvironmentVariable("FINETUNE_BENCH_GC") == "1" ? new GcListener() : null;
        var watch = Stopwatch.StartNew();
        DatasetTask? task = args.Length > 3 ? Enum.Parse<DatasetTask>(args[3], ignoreCase: true) : null;
        var examples = Compile(args[0], args[1], int.Parse(args[2], CultureInfo.InvariantCulture), timings: null, task: task);
        listener?.Print(Console.Error);
        var gc = GC.GetGCMemoryInfo(GCKind.Any);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{watch.Elapsed.TotalSeconds} {Process.GetCurrentProcess().PeakWorkingSet64} {examples} gc {GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)} heap {gc.HeapSizeBytes >> 20} MB committed {gc.TotalCommittedBytes >> 20} MB concurrent {System.Runtime.GCSettings.IsServerGC}/{gc.Concurrent}"));
        return 0;
    }

    private static void RunOne(string format, int size, int cores)
    {
        var folder = Path.Combine(Path.GetTempPath(), $"finetune-bench-{format}-{size}-{Environment.ProcessId}");
        Directory.CreateDirectory(folder);
        try
        {
            var path = Path.Combine(folder, DataGenerator.FileName(format));
            DataGenerator.Write(format, size, path);
            var bytes = new FileInfo(path).Length;
            var mb = bytes / 1e6;

            // Warm up JIT and the vocabulary on a small slice, so each figure below is steady-state.
            Compile(folder, format, 1, null, dryRun: true);

            var parse = Time(() => ParseOnly(path));
            var tokenizer = TokenizerAlone(format, size, bytes, cores);
            var timings = new StageTimings();
            var task = CompileResult(folder, format, 1, timings).Task;
            var one = Time(() => Compile(folder, format, 1, null));
            var all = Time(() => Compile(folder, format, cores, null));
            var set = Time(() => Compile(folder, format, cores, null, task: task));
            var child = ChildRun(folder, format, cores);

            void Row(string measure, double seconds, string? peak = null)
                => Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {format} | {size:N0} | {mb:F1} | {measure} | {seconds:F2} | {mb / seconds:F1} | {size / seconds:N0} | {tokenizer / seconds:P0} | {peak ?? ""} |"));

            Row("parse only (read stage)", parse);
            Row($"tokenizer alone, {cores} instance(s)", tokenizer);
            foreach (var stage in Enum.GetValues<CompileStage>())
            {
                Row($"stage {StageName(stage)} (1 worker, one run)", timings[stage].TotalSeconds);
            }

            Row("whole compile, 1 worker", one);
            Row($"whole compile, {cores} workers", all);
            Row($"whole compile, {cores} workers, FineTuneTask set (no probe, no spool)", set);
            Row($"whole compile, {cores} workers, cold child process", child.Seconds, (child.PeakBytes / 1e6).ToString("F0", CultureInfo.InvariantCulture));
            Console.Out.Flush();
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static int ParseOnly(string path)
    {
        var diagnostics = new DiagnosticCollector();
        return SourceReaders.Read(new SourceFile(path), diagnostics).Count();
    }

    /// <summary>Seconds for the tokenizer alone over the file's strings, scaled to the whole file when capped.</summary>
    private static double TokenizerAlone(string format, int size, long bytes, int cores)
    {
        var held = Math.Min(size, MaxTokenizerExamples);
        var texts = DataGenerator.Texts(format, held);
        var encoding = format == "csv" ? TokenEncodings.Cl100kBase : TokenEncodings.O200kBase;
        var tokenizers = Enumerable.Range(0, cores).Select(_ => TiktokenTokenizer.CreateForEncoding(encoding)).ToArray();
        foreach (var t in tokenizers)
        {
            t.CountTokens("warm up");
        }

        var seconds = Time(() =>
        {
            Parallel.For(0, cores, new ParallelOptions { MaxDegreeOfParallelism = cores }, k =>
            {
                var tokenizer = tokenizers[k];
                var total = 0L;
                for (var i = k; i < texts.Count; i += cores)
                {
                    total += tokenizer.CountTokens(texts[i]);
                }
            });
            return texts.Count;
        });
        return seconds * size / held;
    }

    internal static int Compile(string folder, string format, int workers, StageTimings? timings, bool dryRun = false, DatasetTask? task = null)
        => CompileResult(folder, format, workers, timings, dryRun, task).ExampleCount;

    private static CompileResult CompileResult(string folder, string format, int workers, StageTimings? timings, bool dryRun = false, DatasetTask? task = null)
    {
        var source = Path.Combine(folder, DataGenerator.FileName(format));
        if (dryRun)
        {
            var warm = Path.Combine(folder, "warm");
            Directory.CreateDirectory(warm);
            DataGenerator.Write(format, 300, Path.Combine(warm, DataGenerator.FileName(format)));
            folder = warm;
            source = Path.Combine(warm, DataGenerator.FileName(format));
        }

        var diagnostics = new DiagnosticCollector(new DiagnosticPolicy(noWarn: "FT4004;FT4030;FT4005;FT6001;FT6002"));
        var result = new DatasetCompiler(new CompileOptions
        {
            Sources = [new SourceFile(source)],
            OutputDirectory = Path.Combine(folder, "out"),
            DatasetName = "bench",
            BaseModel = format == "csv" ? "babbage-002" : "gpt-4o-mini-2024-07-18",
            Method = format == "preference" ? "dpo" : null,
            Today = new DateOnly(2026, 11, 25),
            Parallelism = workers,
            Timings = timings,
            Task = task,
        }, diagnostics).Compile();
        if (!result.Succeeded)
        {
            throw new InvalidOperationException(string.Join('\n', diagnostics.Diagnostics.Take(10)));
        }

        return result;
    }

    private static (double Seconds, long PeakBytes) ChildRun(string folder, string format, int workers)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true };
        var entry = Environment.GetCommandLineArgs()[0];
        if (entry.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
        {
            start.ArgumentList.Add(entry);
        }

        foreach (var arg in new[] { "compile-child", folder, format, workers.ToString(CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd().Trim().Split(' ');
        process.WaitForExit();
        return (double.Parse(output[0], CultureInfo.InvariantCulture), long.Parse(output[1], CultureInfo.InvariantCulture));
    }

    private static double Time(Func<int> action)
    {
        var best = double.MaxValue;
        for (var i = 0; i < s_repeat; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            var watch = Stopwatch.StartNew();
            action();
            best = Math.Min(best, watch.Elapsed.TotalSeconds);
        }

        return best;
    }

    private static string StageName(CompileStage stage) => stage switch
    {
        CompileStage.Survey => "survey (task inferred: the probe, first 2,048 records)",
        CompileStage.Read => "read (task inferred: also survey and spool)",
        CompileStage.Split => "split (+ output bytes)",
        CompileStage.Write => "ordered (dataset rules, write, figures)",
        _ => stage.ToString().ToLowerInvariant(),
    };

    private static string Option(string[] args, string name, string fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : fallback;
    }

    private static string RuntimeVersion() => System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription;

    private static string LoadAverage()
        => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
}
