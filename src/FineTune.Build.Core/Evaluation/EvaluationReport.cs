namespace FineTune.Build.Evaluation;

/// <summary>
/// One evaluation of one model on a dataset's validation examples: the content of &lt;name&gt;.eval.json (schema in
/// docs/evaluation.md) and of the report's evaluation section. Figures only, never examples or the key.
/// </summary>
public sealed class EvaluationReport
{
    public const int SchemaVersion = 1;

    public required string Dataset { get; init; }

    public required string Model { get; init; }

    /// <summary>"classification" or "generation".</summary>
    public required string Task { get; init; }

    /// <summary>"completion" (legacy completions endpoint) or "chat" (chat completions).</summary>
    public required string Format { get; init; }

    /// <summary>The serving endpoint: scheme, host, port and path.</summary>
    public required string Endpoint { get; init; }

    /// <summary>SHA-256 of the validation file's bytes.</summary>
    public required string ValidationSha256 { get; init; }

    /// <summary>Examples in the validation file.</summary>
    public int ValidationExamples { get; init; }

    /// <summary>Examples evaluated (all, or FineTuneEvaluateLimit of them).</summary>
    public int Examples { get; init; }

    public int? Limit { get; init; }

    public ClassificationMetrics? Classification { get; init; }

    public GenerationMetrics? Generation { get; init; }

    /// <summary>The comparison model's evaluation on the same examples, when FineTuneCompareTo applies.</summary>
    public EvaluationComparison? Comparison { get; set; }

    /// <summary>accuracy (classification) or exactMatch (generation): the figure the gate and the comparison use.</summary>
    public string PrimaryMetric => Task == "classification" ? "accuracy" : "exactMatch";

    public double PrimaryValue => Classification?.Accuracy ?? Generation?.ExactMatch ?? 0;

    /// <summary>The one-line summary printed at publish.</summary>
    public string SummaryLine()
    {
        var c = System.Globalization.CultureInfo.InvariantCulture;
        var text = Classification is { } m
            ? string.Create(c, $"{Dataset}: {Model} accuracy {m.Accuracy * 100:0.0}% ({m.Correct}/{m.Examples}), macro F1 {m.MacroF1:0.000}{(m.MeanCorrectProbability is { } p ? string.Create(c, $", mean p(right class) {p:0.000}") : "")}, {m.OtherAnswers} answer(s) outside the classes")
            : Generation is { } g
                ? string.Create(c, $"{Dataset}: {Model} exact match {g.ExactMatch * 100:0.0}% ({g.ExactMatches}/{g.Examples}), normalised {g.NormalizedMatch * 100:0.0}%, stop sequence {g.StopCompliance * 100:0.0}%, mean {g.MeanOutputTokens:0.#} output token(s)")
                : $"{Dataset}: {Model} evaluated";
        if (Comparison is { } cmp)
        {
            text += string.Create(c, $"; {cmp.Model} {cmp.Value * 100:0.0}% on the same examples ({(PrimaryValue - cmp.Value >= 0 ? "+" : "")}{(PrimaryValue - cmp.Value) * 100:0.0} points)");
        }

        return text + ".";
    }
}
