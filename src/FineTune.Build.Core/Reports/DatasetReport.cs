using FineTune.Build.Diagnostics;

namespace FineTune.Build.Reports;

/// <summary>
/// Everything the reports say about one compile (the schema of &lt;name&gt;.report.json, documented in
/// docs/report.md). Figures only, never examples: it stays small for any dataset size.
/// </summary>
public sealed class DatasetReport
{
    public const int SchemaVersion = 1;

    public required string Dataset { get; init; }

    public bool Succeeded { get; set; }

    public string? BaseModel { get; init; }

    /// <summary>The catalog entry used (the base model's, or the fallback's for an unknown model).</summary>
    public required string ModelEntry { get; init; }

    public bool ModelKnown { get; init; }

    public required string Format { get; init; }

    public required string Task { get; init; }

    public required string Tokenizer { get; init; }

    public int MaxExampleTokens { get; init; }

    public double ValidationFraction { get; init; }

    public string SplitSeed { get; init; } = "0";

    public TokenStatistics TrainTokens { get; } = new();

    public TokenStatistics ValidationTokens { get; } = new();

    public List<SourceStatistics> Sources { get; } = [];

    /// <summary>Classes by label (classification only), in label order.</summary>
    public SortedDictionary<string, ClassStatistics> Classes { get; } = new(StringComparer.Ordinal);

    public int Examples => TrainTokens.Examples + ValidationTokens.Examples;

    public int? Epochs { get; set; }

    /// <summary>"FineTuneEpochs" or "estimated" (the cookbook's heuristic for the API's default).</summary>
    public string EpochsSource { get; set; } = "estimated";

    public long BilledTokens { get; set; }

    public decimal? PricePerMillionTokens { get; set; }

    public decimal? EstimatedCost => PricePerMillionTokens is { } price ? Math.Round(BilledTokens * price / 1_000_000m, 2) : null;

    public List<OutputFileInfo> Outputs { get; } = [];

    public IReadOnlyList<Diagnostic> Diagnostics { get; set; } = [];

    /// <summary>Secret occurrences FT6004 did not report because the project allowed them (FineTuneSecretAllow), in source order.</summary>
    public List<Rules.WaivedSecret> WaivedSecrets { get; } = [];

    public int ErrorCount { get; set; }

    public int WarningCount { get; set; }

    public int DiagnosticsNotShown { get; set; }

    /// <summary>The project file (where project-level findings without a place point), when there is one.</summary>
    public string? ProjectFile { get; set; }

    /// <summary>Folder the report's paths are relative to.</summary>
    public required string BaseDirectory { get; init; }

    public string Relative(string? path)
        => path is null ? "" : Path.GetRelativePath(BaseDirectory, path).Replace('\\', '/');
}
