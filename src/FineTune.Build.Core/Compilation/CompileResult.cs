using FineTune.Build.Examples;

namespace FineTune.Build.Compilation;

/// <summary>What a compile produced. Outputs exist only when <see cref="Succeeded"/>.</summary>
public sealed class CompileResult
{
    public bool Succeeded { get; init; }

    public DatasetFormat Format { get; init; }

    public DatasetTask Task { get; init; }

    /// <summary>Examples read from the sources that bound without errors.</summary>
    public int ExampleCount { get; init; }

    public int TrainCount { get; init; }

    public int ValidationCount { get; init; }

    /// <summary>Distinct labels (classification), 0 otherwise.</summary>
    public int ClassCount { get; init; }

    public required string TrainPath { get; init; }

    /// <summary>The validation file, or null when the split has no validation examples.</summary>
    public string? ValidationPath { get; init; }

    public IReadOnlyList<string> OutputFiles { get; init; } = [];

    /// <summary>Figures and diagnostics of the compile (what the report files hold).</summary>
    public Reports.DatasetReport? Report { get; init; }
}
