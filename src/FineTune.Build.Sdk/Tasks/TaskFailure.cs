using FineTune.Build.Diagnostics;
using FineTune.Build.Output;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace FineTune.Build.Tasks;

/// <summary>
/// The last line of defence of the tasks: an exception that escapes them would be an MSBuild task crash (MSB4018)
/// with a stack trace. It becomes one FT error instead, naming the file or step; the stack trace goes to the
/// detailed log only (-v:d), for a bug report.
/// </summary>
internal static class TaskFailure
{
    /// <returns>Always false, so a task can <c>return TaskFailure.Log(...)</c>.</returns>
    public static bool Log(TaskLoggingHelper log, Exception ex, string? file, string step, Func<string, string>? redact = null)
    {
        redact ??= s => s;
        if (ex is OutputWriteException output)
        {
            log.LogError(null, DiagnosticCodes.OutputNotWritable.Code, null, DiagnosticCodes.OutputNotWritable.HelpLink, output.OutputPath, 0, 0, 0, 0,
                redact(CompileFineTuneDataset.OutputFailureMessage(output)));
            return false;
        }

        log.LogError(null, DiagnosticCodes.InternalError.Code, null, DiagnosticCodes.InternalError.HelpLink, file, 0, 0, 0, 0,
            redact($"FineTune.Build failed unexpectedly while {step} ({ex.GetType().Name}: {FirstLine(ex.Message)}). Please report it with the stack trace (build with -v:d)."));
        log.LogMessage(MessageImportance.Low, redact(ex.ToString()));
        return false;
    }

    private static string FirstLine(string s)
    {
        var i = s.IndexOfAny(['\r', '\n']);
        return i < 0 ? s : s[..i];
    }
}
