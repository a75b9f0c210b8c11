using FineTune.Build.Fuzz;

// Usage: FineTune.Build.Fuzz <yaml|csv|tsv|jsonl|templates|all> [count=1000000] [--workers N] [--seed N] [--findings DIR]
//        FineTune.Build.Fuzz replay <target> <file.input>
// Exit code: 0 when every input ended without an exception, hang or memory failure; 1 with findings; 2 for usage.
if (args.Length == 0)
{
    Console.Error.WriteLine("usage: FineTune.Build.Fuzz <yaml|csv|tsv|jsonl|templates|all> [count] [--workers N] [--seed N] [--findings DIR] | replay <target> <file>");
    return 2;
}

var root = FindRepositoryRoot();
var corpus = SeedCorpus.Load(root);
if (args[0] == "replay" && args.Length >= 3)
{
    // replay <target> <file> [times]: the input's diagnostics, and the time per run when repeated.
    var target = FuzzTarget.Create(args[1], corpus);
    var folder = Directory.CreateTempSubdirectory("ftfuzz-replay-").FullName;
    var input = File.ReadAllBytes(args[2]);
    var times = args.Length > 3 && int.TryParse(args[3], out var t) ? t : 1;
    var clock = System.Diagnostics.Stopwatch.StartNew();
    IReadOnlyList<string> codes = [];
    var staged = new StagedCompile();
    for (var i = 0; i < times; i++)
    {
        codes = target.Run(input, i + 1, folder, staged);
    }

    Console.WriteLine($"{string.Join(" ", codes)} ({clock.Elapsed.TotalMilliseconds / times:F3} ms per run)");
    Directory.Delete(folder, recursive: true);
    return 0;
}

var count = args.Length > 1 && long.TryParse(args[1], out var n) ? n : 1_000_000;
var workers = Option("--workers", Math.Max(1, Environment.ProcessorCount));
var seed = Option("--seed", 1);
var findings = OptionText("--findings") ?? Path.Combine(root, "artifacts", "fuzz-findings");
var names = args[0] == "all" ? FuzzTarget.Names : [args[0]];
var clean = true;
foreach (var name in names)
{
    var target = FuzzTarget.Create(name, corpus);
    Console.WriteLine($"{name}: {target.Seeds.Count} seeds, {count:N0} inputs, {workers} workers, seed {seed}");
    var result = new FuzzRunner(target, findings, Console.Out).Run(count, workers, seed);
    Console.WriteLine(result);
    clean &= result.Clean;
    if (result.Hangs > 0 || result.MemoryFailures > 0)
    {
        // The stuck worker cannot be stopped: end the process with the finding saved.
        return 1;
    }
}

return clean ? 0 : 1;

int Option(string name, int fallback) => OptionText(name) is { } text && int.TryParse(text, out var value) ? value : fallback;

string? OptionText(string name)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
}

static string FindRepositoryRoot()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
    {
        if (File.Exists(Path.Combine(dir.FullName, "FineTune.Build.sln")))
        {
            return dir.FullName;
        }
    }

    return Directory.GetCurrentDirectory();
}
