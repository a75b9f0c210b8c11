namespace FineTune.Build.Training.Evaluation;

/// <summary>
/// Maps a token to the class it names: the class written exactly so, else the one equal to it without surrounding
/// whitespace, else the only class that starts with it (a multi-token label's first token). Anything else is "other".
/// </summary>
public sealed class ClassMatcher
{
    private readonly IReadOnlyList<string> _classes;

    public ClassMatcher(IEnumerable<string> classes) => _classes = classes.Distinct(StringComparer.Ordinal).ToList();

    public IReadOnlyList<string> Classes => _classes;

    public string? Match(string token)
    {
        if (_classes.Contains(token, StringComparer.Ordinal))
        {
            return token;
        }

        var trimmed = token.Trim();
        if (trimmed.Length == 0)
        {
            return null;
        }

        var same = _classes.Where(c => c.Trim() == trimmed).ToList();
        if (same.Count == 1)
        {
            return same[0];
        }

        var prefixed = _classes.Where(c => c.Trim().StartsWith(trimmed, StringComparison.Ordinal)).ToList();
        return prefixed.Count == 1 ? prefixed[0] : null;
    }

    /// <summary>The probability of <paramref name="expected"/>: the sum over the top tokens that name it. Null without logprobs.</summary>
    public double? Probability(ModelAnswer answer, string expected) =>
        answer.TopTokens.Count == 0 ? null : answer.TopTokens.Where(t => Match(t.Token) == expected).Sum(t => Math.Exp(t.Logprob));
}
