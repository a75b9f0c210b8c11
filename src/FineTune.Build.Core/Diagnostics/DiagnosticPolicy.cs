namespace FineTune.Build.Diagnostics;

/// <summary>
/// MSBuild's severity conventions applied to our codes: NoWarn suppresses a warning (or an info), WarningsAsErrors
/// and TreatWarningsAsErrors promote warnings, WarningsNotAsErrors exempts codes from TreatWarningsAsErrors.
/// Errors stay errors, as in the C# compiler.
/// </summary>
public sealed class DiagnosticPolicy
{
    private readonly HashSet<string> _noWarn;
    private readonly HashSet<string> _warningsAsErrors;
    private readonly HashSet<string> _warningsNotAsErrors;

    public DiagnosticPolicy(string? noWarn = null, string? warningsAsErrors = null, string? warningsNotAsErrors = null, bool treatWarningsAsErrors = false)
    {
        _noWarn = ParseCodes(noWarn);
        _warningsAsErrors = ParseCodes(warningsAsErrors);
        _warningsNotAsErrors = ParseCodes(warningsNotAsErrors);
        TreatWarningsAsErrors = treatWarningsAsErrors;
    }

    public static DiagnosticPolicy Default { get; } = new();

    public bool TreatWarningsAsErrors { get; }

    public DiagnosticSeverity Apply(string code, DiagnosticSeverity severity)
    {
        if (severity == DiagnosticSeverity.Error || severity == DiagnosticSeverity.Hidden)
        {
            return severity;
        }

        if (_noWarn.Contains(code))
        {
            return DiagnosticSeverity.Hidden;
        }

        if (severity == DiagnosticSeverity.Warning
            && (_warningsAsErrors.Contains(code) || (TreatWarningsAsErrors && !_warningsNotAsErrors.Contains(code))))
        {
            return DiagnosticSeverity.Error;
        }

        return severity;
    }

    /// <summary>Codes as MSBuild lists them: separated by ';' or ',', with spaces; case-insensitive.</summary>
    private static HashSet<string> ParseCodes(string? list)
    {
        var set = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        if (!string.IsNullOrWhiteSpace(list))
        {
            foreach (var part in list!.Split([';', ',', ' ', '\t', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries))
            {
                set.Add(part.Trim());
            }
        }

        return set;
    }
}
