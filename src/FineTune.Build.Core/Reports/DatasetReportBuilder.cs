using FineTune.Build.Diagnostics;
using FineTune.Build.Examples;

namespace FineTune.Build.Reports;

/// <summary>
/// Adds up the report's figures as examples are written (in output order): per file, per source and per class.
/// At most <see cref="MaxClasses"/> classes are kept, so a dataset of free text never grows the report.
/// </summary>
public sealed class DatasetReportBuilder
{
    /// <summary>Distinct labels the report keeps; later new labels are not counted as classes.</summary>
    public const int MaxClasses = 1000;

    private readonly Func<string, int> _labelTokens;

    /// <param name="report">The report to fill.</param>
    /// <param name="labelTokens">Counts a label's tokens (with its leading space) with the model's tokenizer.</param>
    public DatasetReportBuilder(DatasetReport report, Func<string, int> labelTokens)
    {
        Report = report;
        _labelTokens = labelTokens;
    }

    public DatasetReport Report { get; }

    /// <summary>Starts the figures of the next source.</summary>
    public SourceStatistics AddSource(string path) => AddSource(NewSource(path));

    /// <summary>The figures of a source, not yet in the report (the reader thread makes them ahead of the ordered stage).</summary>
    public SourceStatistics NewSource(string path) => new() { Path = Report.Relative(path) };

    /// <summary>Puts a source's figures into the report, in source order.</summary>
    public SourceStatistics AddSource(SourceStatistics statistics)
    {
        Report.Sources.Add(statistics);
        return statistics;
    }

    /// <summary>Counts one written example.</summary>
    public void Add(ExampleLocation location, SourceStatistics source, int tokens, bool validation, string? label)
    {
        (validation ? Report.ValidationTokens : Report.TrainTokens).Add(tokens);
        source.Examples++;
        source.Tokens += tokens;
        if (validation)
        {
            source.Validation++;
        }
        else
        {
            source.Train++;
        }

        if (label is null || (Report.Classes.Count >= MaxClasses && !Report.Classes.ContainsKey(label.Trim())))
        {
            return;
        }

        var key = label.Trim();
        if (!Report.Classes.TryGetValue(key, out var statistics))
        {
            statistics = new ClassStatistics { Tokens = _labelTokens(label), FirstSeen = location };
            Report.Classes.Add(key, statistics);
        }

        if (validation)
        {
            statistics.Validation++;
        }
        else
        {
            statistics.Train++;
        }
    }

    /// <summary>Takes the diagnostics into the report, with each source's errors and warnings.</summary>
    public void Finish(DiagnosticCollector diagnostics, bool succeeded)
    {
        Report.Succeeded = succeeded;
        Report.Diagnostics = diagnostics.Diagnostics;
        Report.ErrorCount = diagnostics.ErrorCount;
        Report.WarningCount = diagnostics.WarningCount;
        Report.DiagnosticsNotShown = Math.Max(diagnostics.NotReportedCount, diagnostics.NotKeptCount);
        // Per-source figures come from the collector's counts, not the kept list, so they agree with the totals
        // past the cap.
        var byRelative = new Dictionary<string, (int Errors, int Warnings)>(StringComparer.Ordinal);
        foreach (var (file, counts) in diagnostics.CountsByFile)
        {
            var key = Report.Relative(file);
            var (errors, warnings) = byRelative.GetValueOrDefault(key);
            byRelative[key] = (errors + counts.Errors, warnings + counts.Warnings);
        }

        foreach (var source in Report.Sources)
        {
            if (byRelative.TryGetValue(source.Path, out var counts))
            {
                source.Errors = counts.Errors;
                source.Warnings = counts.Warnings;
            }
        }
    }
}
