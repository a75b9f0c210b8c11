using FineTune.Build.Diagnostics;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace FineTune.Build.Tasks;

/// <summary>
/// Logs diagnostics (compile, catalog and training alike) as MSBuild errors, warnings and low-importance messages,
/// with code, location and the help link to the code's row in docs/rules.md.
/// </summary>
internal static class DiagnosticLogging
{
    /// <param name="log">The task's log.</param>
    /// <param name="diagnostic">The diagnostic, after the severity policy.</param>
    /// <param name="defaultFile">Where a diagnostic without a file points (the user's project file).</param>
    public static void Log(this TaskLoggingHelper log, Diagnostic diagnostic, string? defaultFile = null)
    {
        var file = diagnostic.File ?? defaultFile;
        switch (diagnostic.Severity)
        {
            case DiagnosticSeverity.Error:
                log.LogError(null, diagnostic.Code, null, diagnostic.HelpLink, file, diagnostic.Line, diagnostic.Column, 0, 0, diagnostic.Message);
                break;
            case DiagnosticSeverity.Warning:
                log.LogWarning(null, diagnostic.Code, null, diagnostic.HelpLink, file, diagnostic.Line, diagnostic.Column, 0, 0, diagnostic.Message);
                break;
            case DiagnosticSeverity.Info:
                log.LogMessage(null, diagnostic.Code, null, file, diagnostic.Line, diagnostic.Column, 0, 0, MessageImportance.Low, diagnostic.Message);
                break;
        }
    }
}
