using System.Text.Json.Nodes;

namespace FineTune.Build.Training.Evaluation;

/// <summary>One validation example as sent: the prompt exactly as trained (or the chat messages before the answer) and the expected answer.</summary>
public sealed class EvaluationExample
{
    /// <summary>1-based line of the validation file.</summary>
    public int Line { get; init; }

    /// <summary>Completion format: the prompt, separator included.</summary>
    public string? Prompt { get; init; }

    /// <summary>Chat format: the messages before the last assistant message (without weight).</summary>
    public JsonArray? Messages { get; init; }

    /// <summary>The expected completion (without the stop sequence) or the last assistant message.</summary>
    public required string Expected { get; init; }

    /// <summary>Its place in [0, 1) by a hash of the line's bytes: FineTuneEvaluateLimit takes the lowest.</summary>
    public double Position { get; init; }
}
