namespace FineTune.Build.Examples;

/// <summary>The format a base model trains on, by its name (the model catalog refines this).</summary>
public static class ModelFormats
{
    private static readonly string[] CompletionModels = ["ada", "babbage", "curie", "davinci", "babbage-002", "davinci-002"];

    public static DatasetFormat? For(string? model)
    {
        if (string.IsNullOrWhiteSpace(model))
        {
            return null;
        }

        var name = model!.Trim();
        if (name.StartsWith("ft:", StringComparison.OrdinalIgnoreCase))
        {
            name = name[3..].Split(':')[0];
        }

        if (CompletionModels.Contains(name, StringComparer.OrdinalIgnoreCase))
        {
            return DatasetFormat.Completion;
        }

        return name.StartsWith("gpt-", StringComparison.OrdinalIgnoreCase) || name.StartsWith("o", StringComparison.OrdinalIgnoreCase)
            ? DatasetFormat.Chat
            : null;
    }
}
