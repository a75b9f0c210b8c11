namespace FineTune.Build.Diagnostics;

/// <summary>What a diagnostic code means: its default severity and a title for docs/rules.md and SARIF.</summary>
public sealed record DiagnosticDescriptor(string Code, DiagnosticSeverity DefaultSeverity, string Category, string Title);
