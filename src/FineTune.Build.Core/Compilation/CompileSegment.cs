using FineTune.Build.Diagnostics;
using FineTune.Build.Reports;

namespace FineTune.Build.Compilation;

/// <summary>
/// What the reader thread hands the ordered stage at a time: up to a work batch of bound examples, and on the last
/// segment of a group the diagnostics reported while reading, binding and fixing it; optionally the start of a new
/// source first.
/// </summary>
internal sealed class CompileSegment
{
    /// <summary>Set on the first segment of a source: its path and its figures, which the report takes in order.</summary>
    public (string Path, SourceStatistics Statistics)? Begins { get; init; }

    /// <summary>What reading, binding and fixing reported for the whole group; set on its last segment only.</summary>
    public IReadOnlyList<ReceivedDiagnostic> Diagnostics { get; set; } = [];

    /// <summary>The last segment of a group (<c>DatasetCompiler.BatchSize</c> examples, or the end of a source).</summary>
    public bool EndsGroup { get; set; }

    public List<CompiledExample> Items { get; } = [];

    /// <summary>The blocks that hold the items' output bytes, returned to the pool once the items are written.</summary>
    public List<byte[]> OutputBlocks { get; } = [];
}
