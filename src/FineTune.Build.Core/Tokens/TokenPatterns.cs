using System.Text.RegularExpressions;

namespace FineTune.Build.Tokens;

/// <summary>
/// The tiktoken pre-tokenizer patterns, exactly as Microsoft.ML.Tokenizers 2.0.1 uses them, but without a match
/// timeout. The library's pre-tokenizer calls <c>Regex.EnumerateMatches</c> once per pre-token on a regex with a
/// 30 s timeout, which sets up the runner and its timeout for every word (a tenth of a compile's time); here one
/// enumeration covers the whole text. Tests compare the counts with the library's on mixed text.
/// </summary>
internal static partial class TokenPatterns
{
    /// <summary>The pattern for an encoding; null for an unknown one.</summary>
    public static Regex? For(string encodingName) => encodingName switch
    {
        TokenEncodings.R50kBase => R50kBase(),
        TokenEncodings.Cl100kBase => Cl100kBase(),
        TokenEncodings.O200kBase => O200kBase(),
        _ => null,
    };

    [GeneratedRegex(@"'(?:[sdmt]|ll|ve|re)| ?(?>\p{L}+)| ?(?>\p{N}+)| ?(?>[^\s\p{L}\p{N}]+)|(?>\s+)$|\s+(?!\S)|\s")]
    private static partial Regex R50kBase();

    [GeneratedRegex(@"'(?i:[sdmt]|ll|ve|re)|(?>[^\r\n\p{L}\p{N}]?)(?>\p{L}+)|(?>\p{N}{1,3})| ?(?>[^\s\p{L}\p{N}]+)(?>[\r\n]*)|(?>\s+)$|\s*[\r\n]|\s+(?!\S)|\s")]
    private static partial Regex Cl100kBase();

    [GeneratedRegex(@"[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+")]
    private static partial Regex O200kBase();
}
