using FineTune.Build.Diagnostics;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace FineTune.Build.Tasks;

/// <summary>Logs core diagnostics as MSBuild errors, warnings and low-importance messages, with code and location.</summary>
internal static class DiagnosticLogging
{
    public static void Log(this TaskLoggingHelper log, Diagnostic diagnostic)
    {
        switch (diagnostic.Severity)
        {
            case DiagnosticSeverity.Error:
                log.LogError(null, diagnostic.Code, null, diagnostic.File, diagnostic.Line, diagnostic.Column, 0, 0, diagnostic.Message);
                break;
            case DiagnosticSeverity.Warning:
                log.LogWarning(null, diagnostic.Code, null, diagnostic.File, diagnostic.Line, diagnostic.Column, 0, 0, diagnostic.Message);
                break;
            case DiagnosticSeverity.Info:
                log.LogMessage(null, diagnostic.Code, null, diagnostic.File, diagnostic.Line, diagnostic.Column, 0, 0, MessageImportance.Low, diagnostic.Message);
                break;
        }
    }
}
