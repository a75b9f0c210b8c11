using FineTune.Build.Diagnostics;
using FineTune.Build.Sources;

namespace FineTune.Build.Compilation;

/// <summary>
/// Read: the records of one source, in order, with the reader its syntax calls for; or, when the sources were
/// already read to infer the task, replayed from the <see cref="RecordSpool"/>, or taken from the
/// <see cref="SurveyedReader"/> that surveys them as the compile goes (same records, same diagnostics).
/// </summary>
public sealed class ReadStage
{
    private readonly DiagnosticCollector _diagnostics;
    private readonly RecordSpool? _spool;
    private readonly SurveyedReader? _surveyed;

    public ReadStage(DiagnosticCollector diagnostics, RecordSpool? spool = null)
    {
        _diagnostics = diagnostics;
        _spool = spool;
    }

    internal ReadStage(DiagnosticCollector diagnostics, SurveyedReader surveyed)
    {
        _diagnostics = diagnostics;
        _surveyed = surveyed;
    }

    public IEnumerable<SourceRecord> Read(SourceFile source)
        => _surveyed is not null ? Surveyed(_surveyed)
            : _spool is null ? SourceReaders.Read(source, _diagnostics) : _spool.Replay(_diagnostics);

    // The surveyed reader reads the sources in the order the compile asks for them: this source's records run up to
    // its end-of-source entry.
    private IEnumerable<SourceRecord> Surveyed(SurveyedReader surveyed)
    {
        while (surveyed.TryRead(out var entry))
        {
            _diagnostics.ReportAll(entry.Diagnostics);
            if (entry.Record is { } record)
            {
                yield return record;
            }

            if (entry.EndOfSource)
            {
                yield break;
            }
        }
    }
}
