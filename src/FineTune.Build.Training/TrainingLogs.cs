namespace FineTune.Build.Training;

/// <summary>Public helpers for callers outside the training assembly (the CLI).</summary>
public static class TrainingLogs
{
    /// <summary>A log that replaces <paramref name="secret"/> with *** in every message.</summary>
    public static ITrainingLog Redacting(ITrainingLog inner, string? secret) => new RedactingTrainingLog(inner, secret);

    public static string Redact(string text, string? secret) => Secrets.Redact(text, secret);
}
