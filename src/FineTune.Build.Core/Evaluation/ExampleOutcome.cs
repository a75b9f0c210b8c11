namespace FineTune.Build.Evaluation;

/// <summary>What the model answered to one validation example (the input of the metrics).</summary>
public sealed class ExampleOutcome
{
    /// <summary>The expected class (classification) or text without the stop sequence (generation).</summary>
    public required string Expected { get; init; }

    /// <summary>The model's text (classification: its top token).</summary>
    public required string Answer { get; init; }

    /// <summary>Classification: the class the top token names; null when it names none (the "other" bucket).</summary>
    public string? Predicted { get; init; }

    /// <summary>Classification: the probability the model gave the expected class (0 when it is not in the top tokens).</summary>
    public double? ExpectedProbability { get; init; }

    /// <summary>Generation: the model stopped at the stop sequence (finish_reason "stop").</summary>
    public bool Stopped { get; init; }

    /// <summary>Tokens the model produced (usage.completion_tokens).</summary>
    public int OutputTokens { get; init; }
}
