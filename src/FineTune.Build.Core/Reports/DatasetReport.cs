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

    /// <summary>Folder the report's paths are relative to.</summary>
    public required string BaseDirectory { get; init; }

    public string Relative(string? path)
        => path is null ? "" : Path.GetRelativePath(BaseDirectory, path).Replace('\\', '/');
}

public sealed class TokenStatistics
{
    /// <summary>
    /// Histogram buckets of tokens per example, exact below 16 and then 8 per doubling (16-17, 18-19, ... 1024-1151,
    /// ...): fine enough to draw any dataset, fixed so counts stream without knowing the range first.
    /// </summary>
    public const int BucketCount = 16 + 8 * 27;

    public int Examples { get; private set; }

    public long Total { get; private set; }

    public int Min { get; private set; }

    public int Max { get; private set; }

    public long[] Histogram { get; } = new long[BucketCount];

    public double Mean => Examples == 0 ? 0 : (double)Total / Examples;

    public static int BucketOf(int tokens)
    {
        if (tokens < 16)
        {
            return Math.Max(0, tokens);
        }

        var octave = 31 - System.Numerics.BitOperations.LeadingZeroCount((uint)tokens);
        var sub = (tokens >> (octave - 3)) & 7;
        return Math.Min(BucketCount - 1, 16 + (octave - 4) * 8 + sub);
    }

    /// <summary>The smallest token count of a bucket.</summary>
    public static long BucketStart(int bucket)
    {
        if (bucket < 16)
        {
            return bucket;
        }

        var octave = 4 + (bucket - 16) / 8;
        var sub = (bucket - 16) % 8;
        return (8L + sub) << (octave - 3);
    }

    public void Add(int tokens)
    {
        Min = Examples == 0 ? tokens : Math.Min(Min, tokens);
        Max = Math.Max(Max, tokens);
        Examples++;
        Total += tokens;
        Histogram[BucketOf(tokens)]++;
    }

    public static TokenStatistics Combine(TokenStatistics a, TokenStatistics b)
    {
        var all = new TokenStatistics
        {
            Examples = a.Examples + b.Examples,
            Total = a.Total + b.Total,
            Min = a.Examples == 0 ? b.Min : b.Examples == 0 ? a.Min : Math.Min(a.Min, b.Min),
            Max = Math.Max(a.Max, b.Max),
        };
        for (var i = 0; i < all.Histogram.Length; i++)
        {
            all.Histogram[i] = a.Histogram[i] + b.Histogram[i];
        }

        return all;
    }
}

public sealed class SourceStatistics
{
    public required string Path { get; init; }

    public int Examples { get; set; }

    public int Train { get; set; }

    public int Validation { get; set; }

    public long Tokens { get; set; }

    public int Errors { get; set; }

    public int Warnings { get; set; }
}

public sealed class ClassStatistics
{
    public int Train { get; set; }

    public int Validation { get; set; }

    public int Total => Train + Validation;

    public int Tokens { get; set; }

    public bool SingleToken => Tokens == 1;
}

public sealed record OutputFileInfo(string Kind, string Path, int Examples, long Tokens, long Bytes, string Sha256);
