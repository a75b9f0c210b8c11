namespace FineTune.Build.Models;

/// <summary>Values of <c>formats</c> (the SPEC's FineTuneFormat values).</summary>
public static class ModelFormats
{
    public const string Completion = "completion";
    public const string Chat = "chat";
    public const string Preference = "preference";
    public static IReadOnlyList<string> All { get; } = [Completion, Chat, Preference];
}

/// <summary>Values of <c>methods</c> (the SPEC's FineTuneMethod values).</summary>
public static class ModelMethods
{
    public const string Supervised = "supervised";
    public const string Dpo = "dpo";
    public static IReadOnlyList<string> All { get; } = [Supervised, Dpo];
}

public enum ModelLifecycleStatus
{
    Active,
    Deprecated,
    Retired,
}

/// <summary>A model's lifecycle as the catalog records it (not yet evaluated against a date).</summary>
public sealed record ModelLifecycle(
    ModelLifecycleStatus Status,
    DateOnly? ShutdownDate = null,
    string? Replacement = null,
    DateOnly? Announced = null,
    string? Source = null)
{
    public static ModelLifecycle Active { get; } = new(ModelLifecycleStatus.Active);
}

/// <summary>One base model of the catalog. Figures are data from models.json, each with its citation in <see cref="Sources"/>.</summary>
public sealed record ModelEntry
{
    public required string Name { get; init; }
    public IReadOnlyList<string> Aliases { get; init; } = [];
    public required IReadOnlyList<string> Formats { get; init; }
    public required IReadOnlyList<string> Methods { get; init; }
    /// <summary>tiktoken encoding name, usable with <c>FineTune.Build.Tokens.TokenCounter.Create</c>.</summary>
    public required string Tokenizer { get; init; }
    /// <summary>Most tokens one training example may have (prompt + completion, or the whole conversation).</summary>
    public required int MaxExampleTokens { get; init; }
    /// <summary>Fewest training examples the API accepts.</summary>
    public required int MinExamples { get; init; }
    /// <summary>USD per million trained tokens, or null when unknown (no cost estimate).</summary>
    public decimal? TrainingPricePerMillionTokens { get; init; }
    public ModelLifecycle Lifecycle { get; init; } = ModelLifecycle.Active;
    /// <summary>Last day (exclusive) on which new fine-tuning jobs can start for this model, when it differs from the catalog's.</summary>
    public DateOnly? NewJobsEnd { get; init; }
    /// <summary>Citation per figure, keyed by the JSON property name (e.g. <c>maxExampleTokens</c>).</summary>
    public IReadOnlyDictionary<string, string> Sources { get; init; } = new Dictionary<string, string>();
    public string? Note { get; init; }

    public bool SupportsFormat(string format) => Formats.Contains(format, StringComparer.OrdinalIgnoreCase);

    public bool SupportsMethod(string method) => Methods.Contains(method, StringComparer.OrdinalIgnoreCase);

    /// <summary>The default format for a project that sets none (SPEC 3: FineTuneFormat defaults from the base model).</summary>
    public string DefaultFormat => Formats.Count > 0 ? Formats[0] : ModelFormats.Chat;
}

/// <summary>A model's lifecycle evaluated on a given day.</summary>
public sealed record LifecycleAssessment(
    ModelLifecycleStatus Status,
    DateOnly? ShutdownDate,
    string? Replacement,
    string? Source,
    DateOnly? NewJobsEnd,
    string? NewJobsEndSource,
    bool NewJobsAllowed,
    int? DaysUntilShutdown)
{
    /// <summary>A one-line, user-facing description, or null when the model is active and new jobs are allowed.</summary>
    public string? Describe(string model)
    {
        string replacement = Replacement is null ? "" : $"; use {Replacement} instead";
        return Status switch
        {
            ModelLifecycleStatus.Retired when ShutdownDate is { } d =>
                $"Base model '{model}' was shut down on {d:yyyy-MM-dd}{replacement}.",
            ModelLifecycleStatus.Retired => $"Base model '{model}' is retired{replacement}.",
            ModelLifecycleStatus.Deprecated =>
                $"Base model '{model}' is deprecated and shuts down on {ShutdownDate:yyyy-MM-dd}{replacement}.",
            _ when !NewJobsAllowed => $"New fine-tuning jobs for '{model}' ended on {NewJobsEnd:yyyy-MM-dd}.",
            _ => null,
        };
    }
}
