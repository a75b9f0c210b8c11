using System.Text;
using FineTune.Build.Compilation;
using FineTune.Build.Diagnostics;
using FineTune.Build.Reports;
using FineTune.Build.Sources;

namespace FineTune.Build.Fuzz;

/// <summary>
/// One reader to fuzz: its seeds and how one input goes through the real compile (reader, binder, fixes, rules,
/// token counting, split and write) in-process. Exceptions escape <see cref="Run"/>: each one is a finding.
/// </summary>
public sealed class FuzzTarget
{
    /// <summary>Separates the prompt (or user) template, the completion (or assistant) template and the CSV in a templates input.</summary>
    public const byte FieldSeparator = 0x1E;

    /// <summary>Tight limits, used for every fourth input so that the limits' own error paths are fuzzed too.</summary>
    public static readonly ReaderLimits TightLimits = new()
    {
        MaxNestingDepth = 8,
        MaxAliases = 10,
        MaxKeysPerObject = 20,
        MaxMessagesPerExample = 20,
        MaxValueBytes = 1024,
        MaxLineBytes = 4096,
        MaxExampleBytes = 4096,
        MaxExamplesPerFile = 50,
    };

    private FuzzTarget(string name, string extension, IReadOnlyList<byte[]> seeds)
    {
        Name = name;
        Extension = extension;
        Seeds = seeds;
    }

    public string Name { get; }

    /// <summary>The source file's extension, which picks the reader.</summary>
    public string Extension { get; }

    public IReadOnlyList<byte[]> Seeds { get; }

    public static readonly string[] Names = ["yaml", "csv", "tsv", "jsonl", "templates"];

    /// <summary>The target called <paramref name="name"/>, seeded from <paramref name="corpus"/>.</summary>
    public static FuzzTarget Create(string name, SeedCorpus corpus) => name switch
    {
        "yaml" => new FuzzTarget(name, ".yaml", corpus.Yaml),
        "csv" => new FuzzTarget(name, ".csv", corpus.Csv),
        "tsv" => new FuzzTarget(name, ".tsv", corpus.Tsv),
        "jsonl" => new FuzzTarget(name, ".jsonl", corpus.Jsonl),
        "templates" => new FuzzTarget(name, ".csv", corpus.Templates),
        _ => throw new ArgumentException($"Unknown fuzz target '{name}': use one of {string.Join(", ", Names)}.", nameof(name)),
    };

    /// <summary>
    /// Compiles <paramref name="input"/> as a one-source project in <paramref name="folder"/> (the caller's own
    /// scratch folder) and returns the diagnostics' codes. <paramref name="number"/> picks the variant: tight limits
    /// for every fourth input, for templates chat or completion templates, and (with <paramref name="staged"/>) the
    /// full <see cref="DatasetCompiler"/> with its writes for every 64th input, the staged one otherwise.
    /// </summary>
    public IReadOnlyList<string> Run(byte[] input, long number, string folder, StagedCompile? staged = null)
    {
        var limits = number % 4 == 3 ? TightLimits : ReaderLimits.Default;
        var path = Path.Combine(folder, "input" + Extension);
        SourceFile source;
        if (Name == "templates")
        {
            var fields = Split(input);
            File.WriteAllBytes(path, fields[2]);
            var first = Encoding.UTF8.GetString(fields[0]);
            var second = Encoding.UTF8.GetString(fields[1]);
            source = number % 2 == 0
                ? new SourceFile(path) { PromptTemplate = first, CompletionTemplate = second, Limits = limits }
                : new SourceFile(path) { UserTemplate = first, AssistantTemplate = second, SystemMessage = number % 3 == 0 ? "Be brief." : null, Limits = limits };
        }
        else
        {
            File.WriteAllBytes(path, input);
            source = new SourceFile(path) { Limits = limits };
        }

        var diagnostics = new DiagnosticCollector(maxReported: 1, maxKept: 200);
        var options = new CompileOptions
        {
            Sources = [source],
            OutputDirectory = folder,
            IntermediateDirectory = folder,
            DatasetName = "fuzz",
            ProjectFile = Path.Combine(folder, "fuzz.ftproj"),
            ProjectDirectory = folder,
            Parallelism = 1,
        };
        if (staged is null || number % 64 == 0)
        {
            new DatasetCompiler(options, diagnostics).Compile();
        }
        else
        {
            var report = staged.Run(options, diagnostics);
            if (number % 16 == 1)
            {
                // The report writers see every diagnostic message and location the input produced.
                _ = JsonReportWriter.Write(report);
                _ = SarifWriter.Write(report);
                _ = HtmlReportWriter.Write(report);
            }
        }

        return diagnostics.Diagnostics.Select(d => d.Code).ToList();
    }

    private static byte[][] Split(byte[] input)
    {
        var fields = new byte[3][];
        var start = 0;
        for (var f = 0; f < 3; f++)
        {
            var end = f == 2 ? -1 : Array.IndexOf(input, FieldSeparator, start);
            if (end < 0)
            {
                fields[f] = f == 2 ? input[start..] : [];
                if (f < 2)
                {
                    // A separator was mutated away: the rest is all CSV.
                    for (var g = f + 1; g < 2; g++)
                    {
                        fields[g] = [];
                    }

                    fields[2] = input[start..];
                    break;
                }
            }
            else
            {
                fields[f] = input[start..end];
                start = end + 1;
            }
        }

        return fields;
    }
}
