using System.Text.Json;
using FineTune.Build.Compilation;
using FineTune.Build.Diagnostics;
using FineTune.Build.Reports;
using FineTune.Build.Sources;

namespace FineTune.Build.Diffs;

/// <summary>
/// One side of a diff: a dataset's examples and figures, taken from a project's sources (compiled with the core
/// compiler, errors or not) or from a compiled output (report.json, with the JSONL beside it when the compile
/// succeeded).
/// </summary>
public sealed class DatasetSnapshot
{
    public required string Dataset { get; init; }

    /// <summary>What the side is: a revision, a folder or a file, as the user named it.</summary>
    public required string Label { get; init; }

    public required SnapshotFigures Figures { get; init; }

    public List<SnapshotExample> Examples { get; } = [];

    /// <summary>
    /// Compiles <paramref name="projectFile"/>'s sources (its literal properties, the SDK's default glob and its
    /// FineTuneSource items) into a scratch folder; paths are made relative to <paramref name="root"/>.
    /// </summary>
    public static DatasetSnapshot FromProject(string projectFile, string root, string label)
    {
        var properties = ProjectProperties.Read(projectFile);
        var projectDirectory = Path.GetDirectoryName(properties.ProjectFile)!;
        var scratch = Path.Combine(Path.GetTempPath(), "finetune-diff-" + Guid.NewGuid().ToString("N"));
        try
        {
            var settings = new CompileSettings
            {
                ProjectDirectory = projectDirectory,
                ProjectFile = properties.ProjectFile,
                OutputDirectory = scratch,
                DatasetName = properties["FineTuneDatasetName"] ?? Path.GetFileNameWithoutExtension(projectFile),
                BaseModel = properties["FineTuneBaseModel"],
                Format = properties["FineTuneFormat"],
                Task = properties["FineTuneTask"],
                Method = properties["FineTuneMethod"],
                FormattingMode = properties["FineTuneFormattingMode"],
                PromptSeparator = properties["FineTunePromptSeparator"],
                StopSequence = properties["FineTuneStopSequence"],
                ValidationFraction = properties["FineTuneValidationFraction"],
                SplitSeed = properties["FineTuneSplitSeed"],
                ModelCatalog = properties["FineTuneModelCatalog"],
                ModelFallback = properties["FineTuneModelFallback"],
                Epochs = properties["FineTuneEpochs"],
                LifecycleDate = properties["FineTuneLifecycleDate"],
                WriteReports = false,
            };
            var explicitSources = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (include, metadata) in properties.Sources)
            {
                foreach (var part in include.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                {
                    var full = Path.GetFullPath(Path.Combine(projectDirectory, part));
                    if (File.Exists(full) && explicitSources.Add(full))
                    {
                        settings.Sources.Add((full, metadata));
                    }
                }
            }

            if (!string.Equals(properties["EnableDefaultFineTuneSourceItems"] ?? properties["EnableDefaultItems"] ?? "true", "false", StringComparison.OrdinalIgnoreCase))
            {
                foreach (var file in SourceDiscovery.Find(projectDirectory).Where(f => !explicitSources.Contains(Path.GetFullPath(f))))
                {
                    var relative = Relative(projectDirectory, file);
                    var update = properties.Updates.LastOrDefault(u => u.Update.Split(';').Any(p => Relative(projectDirectory, Path.Combine(projectDirectory, p.Trim())) == relative));
                    settings.Sources.Add((file, update.Metadata ?? new Dictionary<string, string?>()));
                }
            }

            var diagnostics = new DiagnosticCollector(new DiagnosticPolicy(properties["NoWarn"], properties["WarningsAsErrors"], properties["WarningsNotAsErrors"], false), maxReported: 0);
            var options = settings.ToOptions(diagnostics)
                ?? throw new InvalidOperationException($"{projectFile}: the project's settings are invalid ({string.Join("; ", diagnostics.Diagnostics.Select(d => d.Message))}).");
            var result = new DatasetCompiler(options, diagnostics).Compile();
            var report = result.Report!;
            var snapshot = new DatasetSnapshot { Dataset = settings.DatasetName, Label = label, Figures = FiguresOf(report) };

            // The examples themselves, read and bound again (the compiler streams them and keeps none).
            var quiet = new DiagnosticCollector();
            var bind = new BindStage(quiet, result.Format);
            foreach (var source in options.Sources)
            {
                var statistics = new SourceStatistics { Path = source.Path };
                foreach (var record in SourceReaders.Read(source, quiet))
                {
                    if (bind.Bind(source, record, statistics) is { } item)
                    {
                        var (key, value) = ExampleContent.Of(item.Example);
                        snapshot.Examples.Add(new SnapshotExample(item.Example.Id, key, value, Relative(root, source.Path), item.Example.Line, item.Example.Column));
                    }
                    else
                    {
                        // An example the binder rejects (a schema error) is still one the change adds or edits.
                        var (key, value) = ExampleContent.Of(record.Node);
                        var id = record.Node.Get("id") is Documents.ScalarNode { Kind: not Documents.ScalarKind.Null } idNode ? idNode.Text : null;
                        snapshot.Examples.Add(new SnapshotExample(id, key, value, Relative(root, source.Path), record.Node.Line, record.Node.Column));
                    }
                }
            }

            return snapshot;
        }
        finally
        {
            if (Directory.Exists(scratch))
            {
                Directory.Delete(scratch, recursive: true);
            }
        }
    }

    /// <summary>A side without the dataset (a project the change adds or deletes).</summary>
    public static DatasetSnapshot Empty(string dataset, string label) => new() { Dataset = dataset, Label = label, Figures = new SnapshotFigures() };

    /// <summary>
    /// A compiled output: a &lt;name&gt;.report.json file, or a folder holding one. Examples come from the JSONL
    /// beside it (absent when that compile failed), located through the source maps under the project's obj/.
    /// </summary>
    public static DatasetSnapshot FromCompiledOutput(string path, string label)
    {
        var reportPath = File.Exists(path) ? path : Directory.GetFiles(path, "*.report.json") switch
        {
            [var one] => one,
            [] => throw new FileNotFoundException($"{path} holds no <name>.report.json: build the project first."),
            _ => throw new InvalidOperationException($"{path} holds more than one report.json: name one."),
        };
        using var document = JsonDocument.Parse(File.ReadAllBytes(reportPath));
        var json = document.RootElement;
        var counts = json.GetProperty("counts");
        var cost = json.GetProperty("cost");
        var figures = new SnapshotFigures
        {
            Examples = counts.GetProperty("examples").GetInt32(),
            Train = counts.GetProperty("train").GetInt32(),
            Validation = counts.GetProperty("validation").GetInt32(),
            Errors = counts.GetProperty("errors").GetInt32(),
            Warnings = counts.GetProperty("warnings").GetInt32(),
            Tokens = json.GetProperty("tokens").GetProperty("total").GetInt64(),
            BilledTokens = cost.GetProperty("billedTokens").GetInt64(),
            EstimatedCost = cost.GetProperty("estimatedUsd").ValueKind == JsonValueKind.Number ? cost.GetProperty("estimatedUsd").GetDecimal() : null,
        };
        foreach (var c in json.GetProperty("classes").EnumerateArray())
        {
            figures.Classes[c.GetProperty("label").GetString()!] = c.GetProperty("examples").GetInt32();
        }

        var dataset = json.GetProperty("dataset").GetString()!;
        var snapshot = new DatasetSnapshot { Dataset = dataset, Label = label, Figures = figures };
        var outputDirectory = Path.GetDirectoryName(Path.GetFullPath(reportPath))!;
        foreach (var kind in new[] { "train", "validation" })
        {
            var jsonl = Path.Combine(outputDirectory, $"{dataset}.{kind}.jsonl");
            if (!File.Exists(jsonl))
            {
                continue;
            }

            var map = FindSourceMap(outputDirectory, dataset, kind);
            var mapLines = map is null ? [] : File.ReadAllLines(map);
            var n = 0;
            foreach (var line in File.ReadLines(jsonl))
            {
                var parts = n < mapLines.Length ? mapLines[n].Split('\t') : [];
                n++;
                using var example = JsonDocument.Parse(line);
                var (key, value) = ExampleContent.Of(example.RootElement);
                (string File, int Line, int Column) where = parts.Length == 4
                    ? (Path.IsPathRooted(parts[1]) ? Relative(SarifWriter.RepositoryRoot(outputDirectory), parts[1]) : parts[1].Replace('\\', '/'), Number(parts[2]), Number(parts[3]))
                    : ($"{dataset}.{kind}.jsonl", n, 1);
                snapshot.Examples.Add(new SnapshotExample(null, key, value, where.File, where.Line, where.Column));
            }
        }

        return snapshot;
    }

    internal static SnapshotFigures FiguresOf(DatasetReport report)
    {
        var figures = new SnapshotFigures
        {
            Examples = report.Examples,
            Train = report.TrainTokens.Examples,
            Validation = report.ValidationTokens.Examples,
            Tokens = report.TrainTokens.Total + report.ValidationTokens.Total,
            BilledTokens = report.BilledTokens,
            EstimatedCost = report.EstimatedCost,
            Errors = report.ErrorCount,
            Warnings = report.WarningCount,
        };
        foreach (var (label, statistics) in report.Classes)
        {
            figures.Classes[label] = statistics.Total;
        }

        return figures;
    }

    /// <summary>The source map of an output: beside it, or under obj/ of the project the output folder is in.</summary>
    private static string? FindSourceMap(string outputDirectory, string dataset, string kind)
    {
        var name = $"{dataset}.{kind}.sourcemap.tsv";
        for (var dir = new DirectoryInfo(outputDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, name)))
            {
                return Path.Combine(dir.FullName, name);
            }

            var obj = Path.Combine(dir.FullName, "obj");
            if (Directory.Exists(obj) && Directory.EnumerateFiles(obj, name, SearchOption.AllDirectories).FirstOrDefault() is { } found)
            {
                return found;
            }
        }

        return null;
    }

    private static int Number(string text) => int.Parse(text, System.Globalization.CultureInfo.InvariantCulture);

    private static string Relative(string root, string path) => Path.GetRelativePath(root, path).Replace('\\', '/');
}
