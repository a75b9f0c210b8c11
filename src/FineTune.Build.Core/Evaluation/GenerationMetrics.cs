using System.Text.RegularExpressions;

namespace FineTune.Build.Evaluation;

/// <summary>Exact match, normalised match (case and whitespace), stop-sequence compliance and mean output tokens.</summary>
public sealed partial class GenerationMetrics
{
    public int Examples { get; init; }

    public int ExactMatches { get; init; }

    public int NormalizedMatches { get; init; }

    public int Stopped { get; init; }

    public double ExactMatch { get; init; }

    public double NormalizedMatch { get; init; }

    public double StopCompliance { get; init; }

    public double MeanOutputTokens { get; init; }

    public static GenerationMetrics Compute(IReadOnlyList<ExampleOutcome> outcomes)
    {
        var n = outcomes.Count;
        var exact = outcomes.Count(o => string.Equals(o.Answer, o.Expected, StringComparison.Ordinal));
        var normalized = outcomes.Count(o => string.Equals(Normalize(o.Answer), Normalize(o.Expected), StringComparison.Ordinal));
        var stopped = outcomes.Count(o => o.Stopped);
        return new GenerationMetrics
        {
            Examples = n,
            ExactMatches = exact,
            NormalizedMatches = normalized,
            Stopped = stopped,
            ExactMatch = n == 0 ? 0 : (double)exact / n,
            NormalizedMatch = n == 0 ? 0 : (double)normalized / n,
            StopCompliance = n == 0 ? 0 : (double)stopped / n,
            MeanOutputTokens = n == 0 ? 0 : outcomes.Average(o => o.OutputTokens),
        };
    }

    /// <summary>Lower case, runs of whitespace as one space, no leading or trailing whitespace.</summary>
    public static string Normalize(string text) => Whitespace().Replace(text.Trim(), " ").ToLowerInvariant();

    [GeneratedRegex(@"\s+", RegexOptions.CultureInvariant)]
    private static partial Regex Whitespace();
}
