using FineTune.Build.Diagnostics;
using FineTune.Build.Sources;

namespace FineTune.Build.Compilation;

/// <summary>Read: the records of one source, in order, with the reader its syntax calls for.</summary>
public sealed class ReadStage
{
    private readonly DiagnosticCollector _diagnostics;

    public ReadStage(DiagnosticCollector diagnostics)
    {
        _diagnostics = diagnostics;
    }

    public IEnumerable<SourceRecord> Read(SourceFile source) => SourceReaders.Read(source, _diagnostics);
}
