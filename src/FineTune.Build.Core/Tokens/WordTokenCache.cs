namespace FineTune.Build.Tokens;

/// <summary>
/// Token counts of short pre-tokens (words), looked up by span without allocating. One per <see cref="TokenCounter"/>
/// and not thread-safe: the library's own cache is guarded by a lock and needs a string per lookup. Open addressing
/// with linear probing; when it is full it starts over, so memory stays bounded.
/// </summary>
internal sealed class WordTokenCache
{
    /// <summary>Words longer than this are not cached (the library caches up to 15 characters too).</summary>
    public const int MaxWordLength = 15;

    private const int Capacity = 1 << 16;
    private const int MaxEntries = Capacity / 2;

    private readonly string?[] _keys = new string?[Capacity];
    private readonly int[] _counts = new int[Capacity];
    private int _entries;

    public bool TryGet(ReadOnlySpan<char> word, out int count, out int slot)
    {
        slot = string.GetHashCode(word) & (Capacity - 1);
        while (_keys[slot] is { } key)
        {
            if (word.SequenceEqual(key))
            {
                count = _counts[slot];
                return true;
            }

            slot = (slot + 1) & (Capacity - 1);
        }

        count = 0;
        return false;
    }

    /// <summary>Stores a count at the free slot <see cref="TryGet"/> returned for the same word.</summary>
    public void Add(ReadOnlySpan<char> word, int count, int slot)
    {
        if (_entries >= MaxEntries)
        {
            Array.Clear(_keys);
            _entries = 0;
            TryGet(word, out _, out slot);
        }

        _keys[slot] = word.ToString();
        _counts[slot] = count;
        _entries++;
    }
}
