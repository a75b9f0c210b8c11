namespace FineTune.Build.Training;

/// <summary>How prominent a message is; maps to MSBuild's MessageImportance (High shows at minimal verbosity).</summary>
public enum TrainingImportance
{
    High,
    Normal,
    Low,
}

/// <summary>
/// Where the training service reports. The MSBuild task maps it to TaskLoggingHelper, the CLI to the console,
/// tests to a list. Implementations never see the API key: the service redacts it first.
/// </summary>
public interface ITrainingLog
{
    void Message(TrainingImportance importance, string text);

    void Warning(string code, string text);

    void Error(string code, string text, string? file = null, int line = 0, int column = 0);
}

/// <summary>A place in a source file (1-based line and column; 0 when unknown).</summary>
public sealed record SourceLocation(string File, int Line, int Column);

/// <summary>
/// Maps an example number named by the API ("Example 42: ...") in the compiled file of the given kind
/// ("train" or "validation") back to the source it was compiled from; null when unknown.
/// </summary>
public delegate SourceLocation? ExampleLocator(int exampleNumber, string fileKind);

/// <summary>Replaces every occurrence of the secret before anything reaches the real log.</summary>
internal sealed class RedactingTrainingLog : ITrainingLog
{
    private readonly ITrainingLog _inner;
    private readonly string? _secret;

    public RedactingTrainingLog(ITrainingLog inner, string? secret)
    {
        _inner = inner;
        _secret = string.IsNullOrEmpty(secret) ? null : secret;
    }

    public string Redact(string text) => Secrets.Redact(text, _secret);

    public void Message(TrainingImportance importance, string text) => _inner.Message(importance, Redact(text));

    public void Warning(string code, string text) => _inner.Warning(code, Redact(text));

    public void Error(string code, string text, string? file = null, int line = 0, int column = 0) =>
        _inner.Error(code, Redact(text), file, line, column);
}

internal static class Secrets
{
    public const string Mask = "***";

    public static string Redact(string text, string? secret)
    {
        if (string.IsNullOrEmpty(secret) || string.IsNullOrEmpty(text))
            return text;
        return text.Replace(secret, Mask, StringComparison.Ordinal);
    }
}

/// <summary>Public helpers for callers outside the core (the CLI).</summary>
public static class TrainingLogs
{
    /// <summary>A log that replaces <paramref name="secret"/> with *** in every message.</summary>
    public static ITrainingLog Redacting(ITrainingLog inner, string? secret) => new RedactingTrainingLog(inner, secret);

    public static string Redact(string text, string? secret) => Secrets.Redact(text, secret);
}
