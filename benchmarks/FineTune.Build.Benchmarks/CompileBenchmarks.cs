using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using FineTune.Build.Compilation;
using FineTune.Build.Diagnostics;
using FineTune.Build.Sources;

namespace FineTune.Build.Benchmarks;

/// <summary>
/// Whole-compile throughput on a generated chat JSONL dataset, as ratios against a baseline in the same run: the
/// baseline only reads the file and parses each line with System.Text.Json (the least any validator must do).
/// The compile adds binding, every rule, exact token counts, the split and the canonical output.
/// </summary>
[MemoryDiagnoser]
public class CompileBenchmarks
{
    private string _folder = "";
    private string _source = "";

    [Params(20_000)]
    public int Examples { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _folder = Path.Combine(Path.GetTempPath(), "finetune-bench-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(_folder);
        _source = Path.Combine(_folder, "chat.jsonl");
        var random = new Random(7);
        string[] words = ["the", "model", "answers", "every", "customer", "question", "about", "orders", "refunds", "shipping", "politely", "and", "briefly", "with", "facts", "from", "the", "catalog", "données", "naïve"];
        string Sentence(int n) => string.Join(' ', Enumerable.Range(0, n).Select(_ => words[random.Next(words.Length)]));
        using var writer = new StreamWriter(_source, false, new UTF8Encoding(false));
        for (var i = 0; i < Examples; i++)
        {
            writer.Write(JsonSerializer.Serialize(new
            {
                messages = new object[]
                {
                    new { role = "system", content = "You are a support assistant." },
                    new { role = "user", content = $"{i}: {Sentence(30)}?" },
                    new { role = "assistant", content = Sentence(50) + "." },
                },
            }));
            writer.Write('\n');
        }
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_folder, recursive: true);

    [Benchmark(Baseline = true, Description = "read + JsonDocument.Parse per line")]
    public int ParseOnly()
    {
        var count = 0;
        foreach (var line in File.ReadLines(_source))
        {
            using var document = JsonDocument.Parse(line);
            count += document.RootElement.GetProperty("messages").GetArrayLength();
        }

        return count;
    }

    [Benchmark(Description = "compile, one worker")]
    public int CompileOneWorker() => Compile(1);

    [Benchmark(Description = "compile, one worker per core")]
    public int CompileAllCores() => Compile(Environment.ProcessorCount);

    private int Compile(int workers)
    {
        var diagnostics = new DiagnosticCollector(new DiagnosticPolicy(noWarn: "FT4004;FT4030;FT4005"));
        var result = new DatasetCompiler(new CompileOptions
        {
            Sources = [new SourceFile(_source)],
            OutputDirectory = Path.Combine(_folder, "out"),
            DatasetName = "chat",
            BaseModel = "gpt-4.1-mini-2025-04-14",
            Task = DatasetTask.Generation,
            Today = new DateOnly(2026, 11, 25),
            Parallelism = workers,
            WriteReports = false,
        }, diagnostics).Compile();
        if (!result.Succeeded)
        {
            throw new InvalidOperationException(string.Join('\n', diagnostics.Diagnostics));
        }

        return result.ExampleCount;
    }
}
