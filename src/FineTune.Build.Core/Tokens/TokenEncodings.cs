namespace FineTune.Build.Tokens;

/// <summary>The tiktoken encodings the catalog can name; each has its data package referenced, so nothing is downloaded.</summary>
public static class TokenEncodings
{
    public const string R50kBase = "r50k_base";
    public const string Cl100kBase = "cl100k_base";
    public const string O200kBase = "o200k_base";

    public static IReadOnlyList<string> All { get; } = [R50kBase, Cl100kBase, O200kBase];

    public static bool IsSupported(string? name) =>
        name is not null && All.Contains(name, StringComparer.Ordinal);
}
