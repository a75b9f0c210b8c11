namespace FineTune.Build.Rules;

/// <summary>
/// A map from 64-bit keys to record numbers, open-addressed in two flat arrays: 12 bytes a slot where a
/// <see cref="Dictionary{TKey, TValue}"/> of <see cref="Hash128"/> took 40-56. The keys are halves of SHA-256, so
/// they spread evenly without further hashing, and two different examples share one with odds of about n^2 / 2^65
/// (a million examples: 3 in 100 million). The size is not rounded to a power of two (which could double it): a
/// key's slot is its fraction of the table, the high half of key * size.
/// </summary>
internal sealed class KeyTable
{
    // Zero marks an empty slot; a key of zero is stored as one (the odds of either are 2^-64 per example).
    private const ulong Empty = 0;

    private ulong[] _keys;
    private int[]? _values;
    private int _count;

    /// <param name="expected">Keys to size the table for.</param>
    /// <param name="withValues">False for a set of keys (values read as 0): 8 bytes a slot instead of 12.</param>
    public KeyTable(int expected, bool withValues = true)
    {
        var capacity = CapacityFor(expected);
        _keys = new ulong[capacity];
        _values = withValues ? new int[capacity] : null;
    }

    public int Count => _count;

    /// <summary>Slots in the table: it grows (doubles) when more than three quarters are taken.</summary>
    public int Capacity => _keys.Length;

    /// <summary>Makes room for <paramref name="expected"/> keys in all, so the table grows at most once.</summary>
    public void EnsureCapacity(int expected)
    {
        var capacity = CapacityFor(expected);
        if (capacity > _keys.Length)
        {
            Resize(capacity);
        }
    }

    public bool TryGetValue(ulong key, out int value)
    {
        key = key == Empty ? 1 : key;
        for (var slot = SlotOf(key, _keys.Length); ; slot = Next(slot, _keys.Length))
        {
            if (_keys[slot] == key)
            {
                value = _values?[slot] ?? 0;
                return true;
            }

            if (_keys[slot] == Empty)
            {
                value = 0;
                return false;
            }
        }
    }

    /// <summary>Adds the key unless it is there already (the first value for a key is the one kept).</summary>
    public bool TryAdd(ulong key, int value)
    {
        key = key == Empty ? 1 : key;
        var slot = SlotOf(key, _keys.Length);
        while (_keys[slot] != Empty)
        {
            if (_keys[slot] == key)
            {
                return false;
            }

            slot = Next(slot, _keys.Length);
        }

        _keys[slot] = key;
        if (_values is not null)
        {
            _values[slot] = value;
        }

        if (++_count > MostKeys(_keys.Length))
        {
            Resize(_keys.Length * 2);
        }

        return true;
    }

    // At most three quarters full, so a probe ends after a few slots; a table sized for n keys holds n without growing.
    private static int CapacityFor(int expected) => (int)Math.Clamp(expected + (expected / 3L) + 2, 16, 1 << 30);

    private static int MostKeys(int capacity) => capacity - (capacity / 4);

    private static int SlotOf(ulong key, int capacity) => (int)Math.BigMul(key, (ulong)capacity, out _);

    private static int Next(int slot, int capacity) => slot + 1 == capacity ? 0 : slot + 1;

    private void Resize(int capacity)
    {
        var keys = _keys;
        var values = _values;
        _keys = new ulong[capacity];
        _values = values is null ? null : new int[capacity];
        for (var i = 0; i < keys.Length; i++)
        {
            if (keys[i] != Empty)
            {
                var slot = SlotOf(keys[i], capacity);
                while (_keys[slot] != Empty)
                {
                    slot = Next(slot, capacity);
                }

                _keys[slot] = keys[i];
                if (values is not null)
                {
                    _values![slot] = values[i];
                }
            }
        }
    }
}
