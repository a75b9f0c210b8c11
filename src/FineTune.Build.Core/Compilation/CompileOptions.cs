using FineTune.Build.Examples;
using FineTune.Build.Rules;
using FineTune.Build.Sources;

namespace FineTune.Build.Compilation;

/// <summary>What a dataset compile needs: the sources and the project's settings (already parsed and validated).</summary>
public sealed class CompileOptions
{
    public required IReadOnlyList<SourceFile> Sources { get; init; }

    /// <summary>Folder of the outputs (FineTuneOutputPath).</summary>
    public required string OutputDirectory { get; init; }

    /// <summary>FineTuneDatasetName: outputs are &lt;name&gt;.train.jsonl, &lt;name&gt;.validation.jsonl, ...</summary>
    public required string DatasetName { get; init; }

    /// <summary>Where the source maps (output line to source line) go; null for none.</summary>
    public string? IntermediateDirectory { get; init; }

    public string? BaseModel { get; init; }

    /// <summary>FineTuneFormat; null to take it from the base model, or else from the first example.</summary>
    public DatasetFormat? Format { get; init; }

    /// <summary>FineTuneTask; null to infer it as the seed's prepare_data tool does.</summary>
    public DatasetTask? Task { get; init; }

    public FormattingOptions Formatting { get; init; } = FormattingOptions.Default;

    /// <summary>FineTuneValidationFraction; null for the default (0.2 for classification, else 0).</summary>
    public double? ValidationFraction { get; init; }

    public string SplitSeed { get; init; } = "0";

    /// <summary>The project file: project-level diagnostics (model, counts) point at it.</summary>
    public string? ProjectFile { get; init; }

    /// <summary>Report paths are relative to this folder (default: the project file's folder).</summary>
    public string? ProjectDirectory { get; init; }

    /// <summary>FineTuneModelCatalog: a project file that extends or overrides the built-in model catalog.</summary>
    public string? ModelCatalogPath { get; init; }

    /// <summary>FineTuneModelFallback: the catalog entry whose limits and tokenizer an unknown base model uses.</summary>
    public string? ModelFallback { get; init; }

    /// <summary>FineTuneMethod: supervised (default) or dpo (which implies the preference format).</summary>
    public string? Method { get; init; }

    /// <summary>FineTuneEpochs; null for the API's default (estimated with the cookbook's heuristic).</summary>
    public int? Epochs { get; init; }

    /// <summary>The day model lifecycles are judged on (FineTuneLifecycleDate; default today, UTC).</summary>
    public DateOnly Today { get; init; } = DateOnly.FromDateTime(DateTime.UtcNow);

    /// <summary>
    /// Worker threads for the per-example checks and token counts. Default: one per core. Since each tokenizer
    /// keeps its own lock-free word cache, two workers on a 2-core machine measured 15-45% faster than one (the
    /// earlier figure, 30% slower, was with the library's locked cache; see docs/performance.md).
    /// </summary>
    public int Parallelism { get; init; } = Environment.ProcessorCount;

    /// <summary>
    /// FineTuneSecretAllow items: fingerprints of reviewed secret occurrences that FT6004 does not report (each is
    /// listed in report.json's waivedSecrets instead).
    /// </summary>
    public IReadOnlyList<SecretAllowance> AllowedSecrets { get; init; } = [];

    /// <summary>Write &lt;name&gt;.report.json, .report.html and .sarif beside the JSONL.</summary>
    public bool WriteReports { get; init; } = true;

    /// <summary>
    /// Called with the progress of a compile that runs longer than about two seconds, at most once a second, on the
    /// compiling thread (<see cref="CompileProgress"/>); a short compile never calls it.
    /// </summary>
    public Action<CompileProgress>? Progress { get; init; }

    /// <summary>When set, the compile adds the time of each stage to it (for the benchmark).</summary>
    public StageTimings? Timings { get; init; }

    /// <summary>
    /// Records read before the plan is made when the format or task must be inferred: the format is the first
    /// example's, and the task is guessed from these records and confirmed by the whole dataset (tests lower it).
    /// </summary>
    internal int ProbeRecords { get; init; } = DefaultProbeRecords;

    internal const int DefaultProbeRecords = 2048;
}
