using FineTune.Build.Examples;

namespace FineTune.Build.Reports;

/// <summary>One class of a classifier: its examples per file, and its label's tokens.</summary>
public sealed class ClassStatistics
{
    /// <summary>The class's first example, where its diagnostics point.</summary>
    public ExampleLocation FirstSeen { get; init; }

    public int Train { get; set; }

    public int Validation { get; set; }

    public int Total => Train + Validation;

    public int Tokens { get; set; }

    public bool SingleToken => Tokens == 1;
}
