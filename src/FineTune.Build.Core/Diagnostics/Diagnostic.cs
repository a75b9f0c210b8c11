namespace FineTune.Build.Diagnostics;

/// <summary>MSBuild's three levels plus Hidden for a suppressed diagnostic.</summary>
public enum DiagnosticSeverity
{
    Hidden,

    /// <summary>Logged at low importance (for example, a separator added in Append mode).</summary>
    Info,
    Warning,
    Error,
}

/// <summary>One finding, located in a source file (1-based line and column; 0 when the finding has no line).</summary>
public sealed record Diagnostic(
    string Code,
    DiagnosticSeverity Severity,
    string? File,
    int Line,
    int Column,
    string Message)
{
    /// <summary>The file, line and column as the one location type.</summary>
    public Location Location => new(File, Line, Column);

    /// <summary>The link to the code's row in docs/rules.md (MSBuild's helpLink, SARIF's helpUri).</summary>
    public string HelpLink => DiagnosticDescriptor.HelpLinkFor(Code);

    /// <summary>The canonical MSBuild form: <c>file(line,col): error FT1234: message</c>.</summary>
    public override string ToString()
    {
        var where = File is null ? "" : Line > 0 ? $"{File}({Line},{Column}): " : $"{File}: ";
        var level = Severity switch
        {
            DiagnosticSeverity.Error => "error",
            DiagnosticSeverity.Warning => "warning",
            _ => "info",
        };
        return $"{where}{level} {Code}: {Message}";
    }
}
