namespace FineTune.Build.Compilation;

/// <summary>
/// One worker's place for output bytes during a batch: examples are copied one after another into blocks from
/// <see cref="OutputBlocks"/>, and the blocks go with the batch to the ordered stage, which returns them once it
/// has written the batch.
/// </summary>
internal sealed class OutputArena
{
    // A larger example gets an array of its own, so a block is never mostly waste.
    private const int LargestCopied = OutputBlocks.BlockSize / 4;

    private readonly OutputBlocks _blocks;
    private readonly List<byte[]> _taken = [];
    private byte[]? _current;
    private int _used;

    public OutputArena(OutputBlocks blocks)
    {
        _blocks = blocks;
    }

    public ReadOnlyMemory<byte> Copy(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > LargestCopied)
        {
            return bytes.ToArray();
        }

        if (_current is null || _used + bytes.Length > _current.Length)
        {
            _current = _blocks.Rent();
            _taken.Add(_current);
            _used = 0;
        }

        bytes.CopyTo(_current.AsSpan(_used));
        var copy = new ReadOnlyMemory<byte>(_current, _used, bytes.Length);
        _used += bytes.Length;
        return copy;
    }

    /// <summary>Gives the blocks used so far to the batch (workers of one batch may hand over at once).</summary>
    public void HandOver(List<byte[]> batchBlocks)
    {
        lock (batchBlocks)
        {
            batchBlocks.AddRange(_taken);
        }

        _taken.Clear();
        _current = null;
    }
}
