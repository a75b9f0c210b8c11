namespace FineTune.Build.Diffs;

/// <summary>The figures of one side of a diff: counts, tokens, cost and class balance (from the compile's report).</summary>
public sealed class SnapshotFigures
{
    public int Examples { get; init; }

    public int Train { get; init; }

    public int Validation { get; init; }

    public long Tokens { get; init; }

    public long BilledTokens { get; init; }

    public decimal? EstimatedCost { get; init; }

    public int Errors { get; init; }

    public int Warnings { get; init; }

    /// <summary>Examples per class label (classification only).</summary>
    public SortedDictionary<string, int> Classes { get; } = new(StringComparer.Ordinal);
}
