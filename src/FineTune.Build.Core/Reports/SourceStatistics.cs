namespace FineTune.Build.Reports;

/// <summary>The figures of one source file.</summary>
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
