using FineTune.Build.Evaluation;

namespace FineTune.Build.Training.Evaluation;

/// <summary>What an evaluation ended with.</summary>
public sealed class EvaluationResult
{
    /// <summary>False when an error was reported (including a failed gate).</summary>
    public bool Succeeded { get; init; }

    /// <summary>Null when nothing was evaluated (no model yet, or an error before the requests).</summary>
    public EvaluationReport? Report { get; init; }

    /// <summary>The written &lt;name&gt;.eval.json.</summary>
    public string? EvalFile { get; init; }

    /// <summary>Requests sent (0 when every result came from the lock file's cache).</summary>
    public int Requests { get; init; }
}
