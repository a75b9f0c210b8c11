using System.Collections.Concurrent;

namespace FineTune.Build.Compilation;

/// <summary>
/// Reused blocks that hold the output bytes of the examples in flight. An array per example was a third of a
/// compile's allocations, and as each lived from a worker to the ordered write, the GC promoted many of them to be
/// collected in gen2; a few dozen long-lived blocks serve every batch instead.
/// </summary>
internal sealed class OutputBlocks
{
    /// <summary>Under the 85,000 bytes of the large object heap, so a block is an ordinary object.</summary>
    public const int BlockSize = 64 * 1024;

    private readonly ConcurrentBag<byte[]> _free = [];

    public byte[] Rent() => _free.TryTake(out var block) ? block : new byte[BlockSize];

    /// <summary>Takes back blocks whose examples are written: nothing may read their bytes afterwards.</summary>
    public void Return(List<byte[]> blocks)
    {
        foreach (var block in blocks)
        {
            _free.Add(block);
        }

        blocks.Clear();
    }
}
