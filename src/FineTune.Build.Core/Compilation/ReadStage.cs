using FineTune.Build.Diagnostics;
using FineTune.Build.Sources;

namespace FineTune.Build.Compilation;

/// <summary>
/// Read: the records of one source, in order, with the reader its syntax calls for; or, when the sources were
/// already read to infer the task, replayed from the <see cref="RecordSpool"/> (same records, same diagnostics).
/// </summary>
public sealed class ReadStage
{
    private readonly DiagnosticCollector _diagnostics;
    private readonly RecordSpool? _spool;

    public ReadStage(DiagnosticCollector diagnostics, RecordSpool? spool = null)
    {
        _diagnostics = diagnostics;
        _spool = spool;
    }

    public IEnumerable<SourceRecord> Read(SourceFile source)
        => _spool is null ? SourceReaders.Read(source, _diagnostics) : _spool.Replay(_diagnostics);
}
