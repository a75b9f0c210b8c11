using System.Diagnostics;
using BenchmarkDotNet.Running;
using FineTune.Build.Tokens;

// dotnet run -c Release --project benchmarks/FineTune.Build.Benchmarks -- --filter '*'
// dotnet run -c Release --project benchmarks/FineTune.Build.Benchmarks -- load-cost
// dotnet run -c Release --project benchmarks/FineTune.Build.Benchmarks -- cold [--format csv] [--small 20] [--large 10000] [--repeat 3]
// dotnet run -c Release --project benchmarks/FineTune.Build.Benchmarks -- generate csv|jsonl|yaml|preference <examples> <path>
// dotnet run -c Release --project benchmarks/FineTune.Build.Benchmarks -- bench [--examples 10000,100000] [--formats csv,jsonl,yaml,preference]
if (args is ["bench", ..])
{
    return FineTune.Build.Benchmarks.BenchCommand.Run(args);
}

if (args is ["cold", ..])
{
    return FineTune.Build.Benchmarks.ColdCommand.Run(args);
}

if (args is ["cold-child", _, _])
{
    return FineTune.Build.Benchmarks.ColdCommand.Child(args[1..]);
}

if (args is ["generate", var format, var count, var path])
{
    // Deterministic data for benchmarks/build-compare.sh and by hand.
    FineTune.Build.Benchmarks.DataGenerator.Write(format, int.Parse(count, System.Globalization.CultureInfo.InvariantCulture), path);
    return 0;
}

if (args is ["compile-child", _, _, _] or ["compile-child", _, _, _, _])
{
    return FineTune.Build.Benchmarks.BenchCommand.Child(args[1..]);
}

if (args is ["load-cost"])
{
    // Loading cost: the first counter of an encoding decompresses and parses the vocabulary; later ones share it.
    foreach (var encoding in TokenEncodings.All)
    {
        var watch = Stopwatch.StartNew();
        TokenCounter.Create(encoding).CountTokens("warm up");
        double first = watch.Elapsed.TotalMilliseconds;
        watch.Restart();
        const int more = 100;
        for (int i = 0; i < more; i++)
        {
            TokenCounter.Create(encoding).CountTokens("warm up");
        }

        Console.WriteLine($"{encoding}: first counter {first:F0} ms, each further counter {watch.Elapsed.TotalMilliseconds / more:F3} ms");
    }

    return 0;
}

BenchmarkSwitcher.FromAssembly(typeof(FineTune.Build.Benchmarks.TokenCountingBenchmarks).Assembly).Run(args);
return 0;
