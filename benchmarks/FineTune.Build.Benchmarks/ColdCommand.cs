using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using FineTune.Build.Models;
using FineTune.Build.Tokens;

namespace FineTune.Build.Benchmarks;

/// <summary>
/// <c>cold</c>: where the first compile in a fresh process spends its time. Each configuration runs in its own child
/// process (<c>cold-child</c>), which times, one after the other: the model catalog load, the first token counter of
/// the encoding (vocabulary load), the first compile of a small generated file, a second compile of the same file,
/// and a compile of a larger file; for each step the JIT's method count and time (<see cref="JitInfo"/>) and the
/// assemblies loaded. The configurations switch the runtime's JIT knobs (environment variables), so the table
/// shows what tiered compilation, OSR and ReadyToRun code are worth on this code.
/// </summary>
public static class ColdCommand
{
    private static readonly (string Name, string[] Environment)[] Configurations =
    [
        ("default", []),
        ("no tiered PGO", ["DOTNET_TieredPGO=0"]),
        ("full JIT at once (TieredCompilation=0)", ["DOTNET_TieredCompilation=0"]),
        ("loops not quick-jitted (TC_QuickJitForLoops=0)", ["DOTNET_TC_QuickJitForLoops=0"]),
        ("framework ReadyToRun code ignored (ReadyToRun=0)", ["DOTNET_ReadyToRun=0"]),
    ];

    /// <summary><c>cold [--format csv] [--small 20] [--large 10000] [--repeat 3]</c>.</summary>
    public static int Run(string[] args)
    {
        var format = Option(args, "--format", "csv");
        var small = int.Parse(Option(args, "--small", "20"), CultureInfo.InvariantCulture);
        var large = int.Parse(Option(args, "--large", "10000"), CultureInfo.InvariantCulture);
        var repeat = int.Parse(Option(args, "--repeat", "3"), CultureInfo.InvariantCulture);
        var folder = Path.Combine(Path.GetTempPath(), $"finetune-cold-{format}-{Environment.ProcessId}");
        try
        {
            foreach (var (name, size) in new[] { ("small", small), ("large", large) })
            {
                var sub = Path.Combine(folder, name);
                Directory.CreateDirectory(sub);
                DataGenerator.Write(format, size, Path.Combine(sub, DataGenerator.FileName(format)));
            }

            Console.WriteLine($"# cold start, {format}: {small} then {large} examples; {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
            Console.WriteLine();
            Console.WriteLine("| configuration | run | load avg | process start to Main ms | catalog ms | vocabulary ms | first compile ms (JIT methods, JIT ms) | same compile again ms | large compile ms (JIT ms) | large compile warm ms | JIT total ms |");
            Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");

            // Alternate configurations within each round so load changes hit all of them alike.
            for (var round = 1; round <= repeat; round++)
            {
                foreach (var (name, environment) in Configurations)
                {
                    var line = RunChild(folder, format, environment);
                    Console.WriteLine($"| {name} | {round} | {LoadAverage()} | {line} |");
                    Console.Out.Flush();
                }
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }

        return 0;
    }

    /// <summary><c>cold-child &lt;folder&gt; &lt;format&gt;</c>: the timed steps in this (fresh) process; prints one table row.</summary>
    public static int Child(string[] args)
    {
        var toMain = (DateTime.Now - Process.GetCurrentProcess().StartTime).TotalMilliseconds;
        var folder = args[0];
        var format = args[1];
        var encoding = format == "csv" ? TokenEncodings.Cl100kBase : TokenEncodings.O200kBase;

        var catalog = Step(() => ModelCatalog.LoadDefault().Models.Count);
        var vocabulary = Step(() => TokenCounter.Create(encoding).CountTokens("warm up"));
        var first = Step(() => BenchCommand.Compile(Path.Combine(folder, "small"), format, Environment.ProcessorCount, null));
        var again = Step(() => BenchCommand.Compile(Path.Combine(folder, "small"), format, Environment.ProcessorCount, null));
        var large = Step(() => BenchCommand.Compile(Path.Combine(folder, "large"), format, Environment.ProcessorCount, null));
        var largeWarm = Step(() => BenchCommand.Compile(Path.Combine(folder, "large"), format, Environment.ProcessorCount, null));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{toMain:F0} | {catalog.Ms:F0} | {vocabulary.Ms:F0} | {first.Ms:F0} ({first.Methods:N0}, {first.JitMs:F0}) | {again.Ms:F0} | {large.Ms:F0} ({large.JitMs:F0}) | {largeWarm.Ms:F0} | {JitInfo.GetCompilationTime().TotalMilliseconds:F0}"));
        return 0;
    }

    private static (double Ms, long Methods, double JitMs) Step(Func<int> action)
    {
        var methods = JitInfo.GetCompiledMethodCount();
        var jit = JitInfo.GetCompilationTime();
        var watch = Stopwatch.StartNew();
        action();
        var ms = watch.Elapsed.TotalMilliseconds;
        return (ms, JitInfo.GetCompiledMethodCount() - methods, (JitInfo.GetCompilationTime() - jit).TotalMilliseconds);
    }

    private static string RunChild(string folder, string format, string[] environment)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true };
        var entry = Environment.GetCommandLineArgs()[0];
        if (entry.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
        {
            start.ArgumentList.Add(entry);
        }

        foreach (var arg in new[] { "cold-child", folder, format })
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var variable in environment)
        {
            var parts = variable.Split('=', 2);
            start.Environment[parts[0]] = parts[1];
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd().Trim();
        process.WaitForExit();
        return output;
    }

    private static string Option(string[] args, string name, string fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : fallback;
    }

    private static string LoadAverage()
        => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "n/a";
}
