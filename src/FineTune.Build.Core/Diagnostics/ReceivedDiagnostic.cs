namespace FineTune.Build.Diagnostics;

/// <summary>
/// A report as a collector received it, before its policy: reporting it again elsewhere gives the same diagnostic
/// (see <see cref="DiagnosticCollector.Deferred"/>).
/// </summary>
public readonly record struct ReceivedDiagnostic(string Code, DiagnosticSeverity DefaultSeverity, string? File, int Line, int Column, string Message);
