namespace FineTune.Build.Training;

/// <summary>Masks the API key in any text that leaves the service.</summary>
internal static class Secrets
{
    public const string Mask = "***";

    public static string Redact(string text, string? secret)
    {
        if (string.IsNullOrEmpty(secret) || string.IsNullOrEmpty(text))
        {
            return text;
        }

        return text.Replace(secret, Mask, StringComparison.Ordinal);
    }
}
