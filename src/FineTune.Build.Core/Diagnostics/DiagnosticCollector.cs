namespace FineTune.Build.Diagnostics;

/// <summary>
/// Receives every diagnostic of a compile, applies the severity policy, forwards the first
/// <see cref="MaxReported"/> warnings and errors to the sink (the build log) and counts the rest, so one build
/// reports every violation without flooding the log. Keeps a bounded list for the report: at most
/// <see cref="KeptLimit"/> even when the log cap is off (<c>FineTuneMaxDiagnostics=0</c>), so a million bad lines
/// cost counts, not a million diagnostics held in memory and written to every report.
/// </summary>
public sealed class DiagnosticCollector
{
    private readonly Action<Diagnostic>? _sink;
    private readonly List<Diagnostic> _kept = [];
    private readonly object _gate = new();

    /// <summary>The most diagnostics ever kept for the report, whatever the caps asked for.</summary>
    public const int KeptLimit = 10_000;

    public DiagnosticCollector(DiagnosticPolicy? policy = null, Action<Diagnostic>? sink = null, int maxReported = 100, int maxKept = 10_000)
    {
        Policy = policy ?? DiagnosticPolicy.Default;
        _sink = sink;
        MaxReported = maxReported <= 0 ? int.MaxValue : maxReported;
        MaxKept = Math.Min(Math.Max(maxKept, MaxReported), KeptLimit);
    }

    public DiagnosticPolicy Policy { get; }

    public int MaxReported { get; }

    public int MaxKept { get; }

    public int ErrorCount { get; private set; }

    public int WarningCount { get; private set; }

    /// <summary>Warnings and errors that were counted but not forwarded to the sink.</summary>
    public int NotReportedCount { get; private set; }

    /// <summary>Diagnostics kept for the report, in the order reported (at most <see cref="MaxKept"/>).</summary>
    public IReadOnlyList<Diagnostic> Diagnostics => _kept;

    /// <summary>Diagnostics (of any severity) counted but not kept for the report, beyond <see cref="MaxKept"/>.</summary>
    public int NotKeptCount { get; private set; }

    public bool HasErrors => ErrorCount > 0;

    /// <summary>
    /// Gives a diagnostic without a line its place before it is kept or forwarded (the project task and the CLI
    /// use <see cref="ProjectFileLocator.Place"/>), so the log, the reports and the problem matcher see one location.
    /// </summary>
    public Func<Diagnostic, Diagnostic>? Placement { get; init; }

    /// <summary>Errors and warnings per file, counted as reported (past <see cref="MaxKept"/> too).</summary>
    public IReadOnlyDictionary<string, (int Errors, int Warnings)> CountsByFile => _byFile;

    private readonly Dictionary<string, (int Errors, int Warnings)> _byFile = new(StringComparer.Ordinal);

    /// <summary>Reports <paramref name="descriptor"/> at <paramref name="location"/>, its message format filled in with
    /// <paramref name="messageArgs"/>.</summary>
    public void Report(DiagnosticDescriptor descriptor, Location location, params object?[] messageArgs)
    {
        location ??= Location.None;
        Report(descriptor.Code, descriptor.DefaultSeverity, location.File, location.Line, location.Column, descriptor.FormatMessage(messageArgs));
    }

    /// <summary>Reports <paramref name="descriptor"/> with a message the caller composed.</summary>
    public void Report(DiagnosticDescriptor descriptor, string? file, int line, int column, string message)
        => Report(descriptor.Code, descriptor.DefaultSeverity, file, line, column, message);

    public void Report(string code, DiagnosticSeverity defaultSeverity, string? file, int line, int column, string message)
    {
        var severity = Policy.Apply(code, defaultSeverity);
        if (severity == DiagnosticSeverity.Hidden)
        {
            return;
        }

        var diagnostic = new Diagnostic(code, severity, file, line, column, message);
        if (Placement is not null && (line <= 0 || file is null))
        {
            diagnostic = Placement(diagnostic);
        }

        bool forward;
        lock (_gate)
        {
            if (severity == DiagnosticSeverity.Error)
            {
                ErrorCount++;
            }
            else if (severity == DiagnosticSeverity.Warning)
            {
                WarningCount++;
            }

            if (diagnostic.File is { } counted && severity is DiagnosticSeverity.Error or DiagnosticSeverity.Warning)
            {
                var (errors, warnings) = _byFile.GetValueOrDefault(counted);
                _byFile[counted] = severity == DiagnosticSeverity.Error ? (errors + 1, warnings) : (errors, warnings + 1);
            }

            if (_kept.Count < MaxKept)
            {
                _kept.Add(diagnostic);
            }
            else
            {
                NotKeptCount++;
            }

            var total = ErrorCount + WarningCount;
            forward = severity == DiagnosticSeverity.Info || total <= MaxReported;
            if (!forward)
            {
                NotReportedCount++;
            }
        }

        if (forward)
        {
            _sink?.Invoke(diagnostic);
        }
    }
}
