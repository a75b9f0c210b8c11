using System.Diagnostics;
using BenchmarkDotNet.Running;
using FineTune.Build.Tokens;

// dotnet run -c Release --project benchmarks/FineTune.Build.Benchmarks -- --filter '*'
// dotnet run -c Release --project benchmarks/FineTune.Build.Benchmarks -- load-cost
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

    return;
}

BenchmarkSwitcher.FromAssembly(typeof(FineTune.Build.Benchmarks.TokenCountingBenchmarks).Assembly).Run(args);
