using System.Text.Json;
using FineTune.Build.Diagnostics;

namespace FineTune.Build.Training;

/// <summary>
/// Turns an exception nothing else expected into one FT error that names the step and says what to do: FT7024 when
/// it came from reading an answer of the endpoint (a shape the fine-tuning API never sends), else FT0004.
/// </summary>
internal static class TrainingFailures
{
    public static TrainingException Unexpected(Exception e, string step, bool duringRequest)
    {
        if (Inner<TrainingException>(e) is { } known)
        {
            return known;
        }

        var reason = $"{e.GetType().Name}: {FirstLine(e.Message)}";
        if (duringRequest && IsMalformedAnswer(e))
        {
            return new TrainingException(TrainingDiagnostics.UnexpectedResponse,
                $"The endpoint's answer while {step} is not what the fine-tuning API sends ({reason}). Check that FineTuneEndpoint / OPENAI_BASE_URL is an OpenAI-compatible base URL such as https://api.openai.com/v1 and that no proxy answers in its place, then publish again.",
                inner: e);
        }

        return new TrainingException(DiagnosticCodes.InternalError,
            $"Publish failed unexpectedly while {step} ({reason}). A job already started keeps running and the next publish resumes it. This is a bug in FineTune.Build: please report it with the details of 'dotnet publish -v:d'.",
            inner: e);
    }

    /// <summary>What parsing an answer of an unexpected shape throws, in our code or inside the OpenAI library.</summary>
    private static bool IsMalformedAnswer(Exception e) =>
        e is JsonException or FormatException or KeyNotFoundException or InvalidOperationException or InvalidCastException
            or NullReferenceException or OverflowException or ArgumentException
        || (e is AggregateException a && a.InnerExceptions.Any(IsMalformedAnswer));

    private static T? Inner<T>(Exception e) where T : Exception => e switch
    {
        T t => t,
        AggregateException a => a.InnerExceptions.Select(Inner<T>).FirstOrDefault(x => x is not null),
        _ => e.InnerException is { } inner ? Inner<T>(inner) : null,
    };

    private static string FirstLine(string s)
    {
        var i = s.IndexOfAny(['\r', '\n']);
        return i < 0 ? s : s[..i];
    }
}
