using FineTune.Build.Diagnostics;
using FineTune.Build.Examples;
using FineTune.Build.Rules;
using FineTune.Build.Sources;

namespace FineTune.Build.Compilation;

/// <summary>
/// Fix: the seed's formatting rules for the completion format (Append mode fixes, Strict mode reports), with one
/// summary of the fixes per source at its first fixed example. Other formats pass through unchanged.
/// </summary>
public sealed class FixStage
{
    private readonly CompletionFormattingRules _formatting;
    private readonly DatasetFormat _format;
    private readonly bool _isClassification;
    private CompletionFormattingRules.AppendCounts _counts = new();
    private (int Line, int Column)? _firstFixed;

    private readonly string? _projectFile;

    public FixStage(FormattingOptions options, DiagnosticCollector diagnostics, DatasetFormat format, bool isClassification, string? projectFile = null)
    {
        _projectFile = projectFile;
        _formatting = new CompletionFormattingRules(options, diagnostics);
        _format = format;
        _isClassification = isClassification;
    }

    /// <summary>Starts counting the fixes of a new source.</summary>
    public void BeginSource()
    {
        _counts = new CompletionFormattingRules.AppendCounts();
        _firstFixed = null;
    }

    public void Fix(Example example)
    {
        if (_format != DatasetFormat.Completion)
        {
            return;
        }

        // An example with bind errors is checked (Strict mode's errors are its own) but never written: its fixes are not counted.
        if (example.HasBindErrors)
        {
            _formatting.Apply(example, _isClassification, new CompletionFormattingRules.AppendCounts());
            return;
        }

        var before = _counts.Total;
        _formatting.Apply(example, _isClassification, _counts);
        if (_counts.Total > before)
        {
            _firstFixed ??= (example.Line, example.Column);
        }
    }

    /// <summary>Reports the source's fixes, once every example of it is through the ordered stages.</summary>
    public void EndSource(SourceFile source)
    {
        if (_firstFixed is { } at)
        {
            _formatting.ReportAppended(source.Path, at.Line, at.Column, _counts);
        }

        _formatting.ReportTemplateFailures(source, _projectFile);
    }
}
