using System.Security.Cryptography;
using System.Text;
using FineTune.Build.Compilation;
using FineTune.Build.Diagnostics;
using FineTune.Build.Examples;
using FineTune.Build.Sources;

namespace FineTune.Build.Core.Tests.Compilation;

/// <summary>The settings of an in-process compile, with test defaults (babbage-002, a fixed day, no reports).</summary>
internal sealed record CompileSetup
{
    /// <summary>A project catalog that lowers the API's minimum of 10 examples, for tiny datasets.</summary>
    public const string MinExamplesOne = """{"models": [{"name": "babbage-002", "minExamples": 1}, {"name": "gpt-4o-mini-2024-07-18", "minExamples": 1}]}""";

    public string? BaseModel { get; init; } = "babbage-002";

    public DatasetFormat? Format { get; init; }

    public DatasetTask? Task { get; init; }

    public double? Fraction { get; init; }

    public int? Epochs { get; init; }

    public string? Method { get; init; }

    public DateOnly Today { get; init; } = new(2026, 11, 25);

    /// <summary>The text of a project catalog file (FineTuneModelCatalog), or null for the built-in catalog only.</summary>
    public string? Catalog { get; init; }

    public DiagnosticPolicy? Policy { get; init; }

    public FineTune.Build.Rules.FormattingOptions? Formatting { get; init; }

    public bool WriteReports { get; init; }

    /// <summary>Records read before the plan when the task is inferred (small, to guess from a few records).</summary>
    public int ProbeRecords { get; init; } = CompileOptions.DefaultProbeRecords;

    /// <summary>The project's folder inside the temp folder ("" for the temp folder itself).</summary>
    public string ProjectFolder { get; init; } = "";
}

internal static class CompileHarness
{
    public sealed record Run(CompileResult Result, DiagnosticCollector Diagnostics, DatasetCompiler Compiler, string ProjectFile, string? CatalogFile)
    {
        public string Codes => TestFiles.Codes(Diagnostics);

        public IReadOnlyList<Diagnostic> All => Diagnostics.Diagnostics;

        public Diagnostic Only(string code) => All.Single(d => d.Code == code);
    }

    public static Run Compile(TempFolder folder, IReadOnlyList<SourceFile> sources, CompileSetup? setup = null)
    {
        setup ??= new CompileSetup();
        var project = folder.File(Path.Combine(setup.ProjectFolder, "ads.ftproj"));
        var catalog = setup.Catalog is null ? null : folder.Write(Path.Combine(setup.ProjectFolder, "models.override.json"), setup.Catalog);
        var diagnostics = new DiagnosticCollector(setup.Policy, maxReported: 0);
        var compiler = new DatasetCompiler(new CompileOptions
        {
            Sources = sources,
            OutputDirectory = folder.File(Path.Combine(setup.ProjectFolder, "bin")),
            IntermediateDirectory = folder.File(Path.Combine(setup.ProjectFolder, "obj")),
            DatasetName = "ads",
            BaseModel = setup.BaseModel,
            Format = setup.Format,
            Task = setup.Task,
            ValidationFraction = setup.Fraction,
            Epochs = setup.Epochs,
            Method = setup.Method,
            Today = setup.Today,
            ModelCatalogPath = catalog,
            ProjectFile = project,
            WriteReports = setup.WriteReports,
            Parallelism = 2,
            ProbeRecords = setup.ProbeRecords,
            Formatting = setup.Formatting ?? FineTune.Build.Rules.FormattingOptions.Default,
        }, diagnostics);
        return new Run(compiler.Compile(), diagnostics, compiler, project, catalog);
    }

    public static Run Compile(TempFolder folder, string name, string text, CompileSetup? setup = null)
        => Compile(folder, [new SourceFile(folder.Write(Path.Combine(setup?.ProjectFolder ?? "", name), text))], setup);

    /// <summary>
    /// What a user compares between two compiles: every diagnostic with its severity, location and message, the
    /// counts, then each output and source map by sha256 (the temporary folder's path made neutral, since source maps
    /// name their sources by full path).
    /// </summary>
    public static string Fingerprint(Run run, TempFolder folder)
        => (string.Join("\n", run.All.Select(d => $"{d.Severity} {d.Code}({d.Line},{d.Column}) {d.Message}"))
            + $"\nerrors {run.Diagnostics.ErrorCount} warnings {run.Diagnostics.WarningCount} not kept {run.Diagnostics.NotKeptCount}\n"
            + string.Join("\n", Directory.GetFiles(folder.File("bin")).Concat(Directory.GetFiles(folder.File("obj"), "*.tsv")).Order()
                .Select(f => Path.GetFileName(f) + "=" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(File.ReadAllText(f).Replace(folder.Path, "<dir>", StringComparison.Ordinal)))))))
            .Replace(folder.Path, "<dir>", StringComparison.Ordinal);

    /// <summary>n distinct generation examples in YAML (prompt "Question i", completion "Answer number i").</summary>
    public static string GenerationYaml(int count, int from = 1)
        => string.Concat(Enumerable.Range(from, count).Select(i => $"- prompt: Question {i}\n  completion: Answer number {i}\n"));

    /// <summary>n distinct generation examples in JSONL (faster to read for large n).</summary>
    public static string GenerationJsonl(int count)
        => string.Concat(Enumerable.Range(1, count).Select(i => $"{{\"prompt\": \"Question {i}\", \"completion\": \"Answer number {i}\"}}\n"));
}
