namespace FineTune.Build.Compilation;

/// <summary>A 64-bit FNV-1a hash of text: deterministic, cheap, for counting distinct values without keeping them.</summary>
internal static class Fnv64
{
    public static ulong Hash(ReadOnlySpan<char> text)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        return hash;
    }
}
