using FineTune.Build.Diagnostics;

namespace FineTune.Build.Training;

/// <summary>
/// Replaces every occurrence of the secret before anything reaches the real log or the diagnostics collector (and
/// through it the build log and any report).
/// </summary>
internal sealed class RedactingTrainingLog : ITrainingLog
{
    private readonly ITrainingLog _inner;
    private readonly DiagnosticCollector? _diagnostics;
    private readonly string? _secret;

    public RedactingTrainingLog(ITrainingLog inner, string? secret, DiagnosticCollector? diagnostics = null)
    {
        _inner = inner;
        _diagnostics = diagnostics;
        _secret = string.IsNullOrEmpty(secret) ? null : secret;
    }

    public string Redact(string text) => Secrets.Redact(text, _secret);

    public void Message(TrainingImportance importance, string text) => _inner.Message(importance, Redact(text));

    /// <summary>Reports a diagnostic with a composed message through the collector (severity policy, cap, report).</summary>
    public void Report(DiagnosticDescriptor descriptor, Location? location, string message)
    {
        if (_diagnostics is null)
        {
            throw new InvalidOperationException("This training log has no diagnostics collector.");
        }

        location ??= Location.None;
        _diagnostics.Report(descriptor, location.File, location.Line, location.Column, Redact(message));
    }

    public void Report(TrainingException e) => Report(e.Descriptor, e.Location, e.Message);
}
