using FineTune.Build.Diagnostics;
using FineTune.Build.Reports;

namespace FineTune.Build.Compilation;

/// <summary>
/// What the reader thread hands the ordered stage at a time: the diagnostics reported while reading, binding and
/// fixing, then up to a batch of bound examples; optionally the start of a new source first.
/// </summary>
internal sealed class CompileSegment
{
    /// <summary>Set on the first segment of a source: its path and its figures, which the report takes in order.</summary>
    public (string Path, SourceStatistics Statistics)? Begins { get; init; }

    public IReadOnlyList<ReceivedDiagnostic> Diagnostics { get; set; } = [];

    public List<CompiledExample> Items { get; } = [];

    /// <summary>The blocks that hold the items' output bytes, returned to the pool once the items are written.</summary>
    public List<byte[]> OutputBlocks { get; } = [];
}
