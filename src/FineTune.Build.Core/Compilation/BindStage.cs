using System.Text;
using FineTune.Build.Diagnostics;
using FineTune.Build.Examples;
using FineTune.Build.Reports;
using FineTune.Build.Sources;

namespace FineTune.Build.Compilation;

/// <summary>
/// Bind: a record becomes an example of the dataset's format (or a diagnostic), with the identity the split
/// hashes. The identity is taken before any fix, so changing the separator never reshuffles the split.
/// </summary>
public sealed class BindStage
{
    private readonly ExampleBinder _binder;
    private readonly DatasetFormat _format;
    private readonly bool _openEnded;

    public BindStage(DiagnosticCollector diagnostics, DatasetFormat format, bool openEnded = false)
    {
        _binder = new ExampleBinder(diagnostics);
        _format = format;
        _openEnded = openEnded;
    }

    /// <summary>
    /// The bound example, or null when the record is no example of the format (already reported). An example with
    /// bind errors (<see cref="Example.HasBindErrors"/>) still goes on to the checks, never to the output.
    /// </summary>
    public CompiledExample? Bind(SourceFile source, SourceRecord record, SourceStatistics statistics)
    {
        var example = _binder.BindChecked(source, record, _format, allowEmptyPrompt: _openEnded);
        if (example is null)
        {
            return null;
        }

        // Without an id the identity is the bytes before any fix (Example.BytesBeforeFixes), which are the output
        // bytes themselves when nothing is fixed: one encoding per example.
        var identity = example.Id is { } id ? Encoding.UTF8.GetBytes("id:" + id) : null;
        return new CompiledExample(example, identity, statistics);
    }
}
