namespace FineTune.Build.Examples;

/// <summary>Names of the formats, as FineTuneFormat and the reports spell them.</summary>
public static class DatasetFormats
{
    public static string Name(this DatasetFormat format) => format switch
    {
        DatasetFormat.Completion => "completion",
        DatasetFormat.Chat => "chat",
        _ => "preference",
    };

    public static DatasetFormat? Parse(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        "completion" or "prompt-completion" or "promptcompletion" => DatasetFormat.Completion,
        "chat" or "messages" => DatasetFormat.Chat,
        "preference" or "dpo" => DatasetFormat.Preference,
        _ => null,
    };
}
