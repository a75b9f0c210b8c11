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

    // Set for a deferred collector (Deferred): what it receives waits here for the ordered stage's ReportAll, or goes
    // straight to the target while the ordered stage is known to be idle (PassThrough).
    private readonly DiagnosticCollector? _target;
    private List<ReceivedDiagnostic> _pending = [];

    public DiagnosticCollector(DiagnosticPolicy? policy = null, Action<Diagnostic>? sink = null, int maxReported = 100, int maxKept = 10_000)
    {
        Policy = policy ?? DiagnosticPolicy.Default;
        _sink = sink;
        MaxReported = maxReported <= 0 ? int.MaxValue : maxReported;
        MaxKept = Math.Min(Math.Max(maxKept, MaxReported), KeptLimit);
    }

    private DiagnosticCollector(DiagnosticCollector target)
    {
        _target = target;
        Policy = target.Policy;
        MaxReported = int.MaxValue;
        MaxKept = 0;
    }

    /// <summary>
    /// A collector for a stage that runs ahead of <paramref name="target"/>'s ordered stage (the compiler's reader
    /// thread): it counts errors and warnings under the same policy, so the stage can tell what it reported, but
    /// keeps the reports until <see cref="TakePending"/> hands them to the target's <see cref="ReportAll"/>, so the
    /// target sees them in the order a one-thread compile gives.
    /// </summary>
    public static DiagnosticCollector Deferred(DiagnosticCollector target) => new(target);

    /// <summary>Reports held by a deferred collector (see <see cref="Deferred"/>).</summary>
    public int PendingCount => _pending.Count;

    /// <summary>
    /// While true, a deferred collector passes reports straight to its target; the caller guarantees that nothing
    /// else reports there meanwhile. Turning it on first passes on what is held.
    /// </summary>
    public bool PassThrough
    {
        get => _passThrough;
        set
        {
            if (value && _target is not null)
            {
                _target.ReportAll(TakePending());
            }

            _passThrough = value;
        }
    }

    private bool _passThrough;

    /// <summary>Takes what a deferred collector holds, for <see cref="ReportAll"/> on its target.</summary>
    public IReadOnlyList<ReceivedDiagnostic> TakePending()
    {
        if (_pending.Count == 0)
        {
            return [];
        }

        var taken = _pending;
        _pending = [];
        return taken;
    }

    /// <summary>
    /// Reports <paramref name="held"/> (what a deferred collector held) to this collector, in the order received; on
    /// a deferred collector, they join what it holds.
    /// </summary>
    public void ReportAll(IReadOnlyList<ReceivedDiagnostic> held)
    {
        foreach (var d in held)
        {
            Report(d.Code, d.DefaultSeverity, d.File, d.Line, d.Column, d.Message);
        }
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

    /// <summary>Errors were reported here, or (for a deferred collector) to its target.</summary>
    public bool HasErrors => ErrorCount > 0 || _target?.HasErrors == true;

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

        if (_target is not null)
        {
            ErrorCount += severity == DiagnosticSeverity.Error ? 1 : 0;
            WarningCount += severity == DiagnosticSeverity.Warning ? 1 : 0;
            if (_passThrough)
            {
                _target.Report(code, defaultSeverity, file, line, column, message);
            }
            else
            {
                _pending.Add(new ReceivedDiagnostic(code, defaultSeverity, file, line, column, message));
            }

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
