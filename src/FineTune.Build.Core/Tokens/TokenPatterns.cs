using System.Text.RegularExpressions;

namespace FineTune.Build.Tokens;

/// <summary>
/// The tiktoken pre-tokenizer patterns, exactly as Microsoft.ML.Tokenizers 2.0.1 uses them, but without a match
/// timeout. The library's pre-tokenizer calls <c>Regex.EnumerateMatches</c> once per pre-token on a regex with a
/// 30 s timeout, which sets up the runner and its timeout for every word (a tenth of a compile's time); here one
/// enumeration covers the whole text. Tests compare the counts with the library's on mixed text.
/// </summary>
/// <remarks>
/// Each counter gets an instance of its own: a <see cref="Regex"/> caches a single runner, so counters on two
/// threads sharing one instance made a new runner (and its match and arrays) whenever the other held it, about
/// 250 MB of garbage per 100k CSV examples, which the GC promoted into costly gen2 collections.
/// </remarks>
internal static partial class TokenPatterns
{
    /// <summary>A new instance of the pattern for an encoding, for one thread; null for an unknown encoding.</summary>
    public static Regex? For(string encodingName) => Shared(encodingName) is { } shared ? OwnInstance(shared) : null;

    private static Regex? Shared(string encodingName) => encodingName switch
    {
        TokenEncodings.R50kBase => R50kBase(),
        TokenEncodings.Cl100kBase => Cl100kBase(),
        TokenEncodings.O200kBase => O200kBase(),
        _ => null,
    };

    // The generated class has a private parameterless constructor (its static instance uses it); should a future
    // generator differ, sharing the instance is still correct, only slower.
    private static Regex OwnInstance(Regex shared)
    {
        try
        {
            return Activator.CreateInstance(shared.GetType(), nonPublic: true) as Regex ?? shared;
        }
        catch (MissingMethodException)
        {
            return shared;
        }
    }

    [GeneratedRegex(@"'(?:[sdmt]|ll|ve|re)| ?(?>\p{L}+)| ?(?>\p{N}+)| ?(?>[^\s\p{L}\p{N}]+)|(?>\s+)$|\s+(?!\S)|\s")]
    private static partial Regex R50kBase();

    [GeneratedRegex(@"'(?i:[sdmt]|ll|ve|re)|(?>[^\r\n\p{L}\p{N}]?)(?>\p{L}+)|(?>\p{N}{1,3})| ?(?>[^\s\p{L}\p{N}]+)(?>[\r\n]*)|(?>\s+)$|\s*[\r\n]|\s+(?!\S)|\s")]
    private static partial Regex Cl100kBase();

    [GeneratedRegex(@"[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+")]
    private static partial Regex O200kBase();
}
