using FineTune.Build.Models;

namespace FineTune.Build.Training;

/// <summary>
/// The OpenAI fine-tuning wind-down (<see cref="ModelCatalog.ProviderWindDown"/>) at publish: a publish with
/// FineTuneTrainer=Api against api.openai.com is warned (FT7026) with the date and the alternatives the project
/// supports; once the day has come, a publish that would create a new job is an error (FT7027). Following or
/// reusing a job that finetune.lock.json records for this dataset creates none, so it still works.
/// </summary>
public static class ProviderWindDownCheck
{
    public const string OpenAIHost = "api.openai.com";

    /// <summary>The text naming what the project supports instead.</summary>
    public const string Alternatives =
        "train with your own trainer (FineTuneTrainer=Command with FineTuneTrainCommand), or through any OpenAI-compatible fine-tuning endpoint (FineTuneEndpoint); the compiled JSONL stays usable";

    /// <summary>True for the Api trainer against OpenAI itself (no endpoint set means api.openai.com).</summary>
    public static bool AppliesTo(string? endpoint)
    {
        if (endpoint is null)
        {
            return true;
        }

        return Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) && string.Equals(uri.Host, OpenAIHost, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The FT7026 message, or null when the check does not apply.</summary>
    public static string? Warning(string dataset, string? endpoint, FineTuningWindDown? windDown, DateOnly today)
    {
        if (windDown is null || !AppliesTo(endpoint))
        {
            return null;
        }

        var end = windDown.NewJobsEnd.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var source = windDown.Source is null ? "" : $" ({windDown.Source})";
        var days = windDown.DaysLeft(today);
        return windDown.AllowsNewJobsOn(today)
            ? $"{dataset}: OpenAI stops creating new fine-tuning jobs on {end}, in {days} day(s){source}; jobs started before then finish and fine-tuned models keep serving. To keep training after that, {Alternatives}."
            : $"{dataset}: OpenAI stopped creating new fine-tuning jobs on {end}{source}; only a job recorded in finetune.lock.json can still be followed. To train, {Alternatives}.";
    }

    /// <summary>The FT7027 message when a new job would be needed at api.openai.com on or after the end, else null.</summary>
    public static string? NewJobRefused(string dataset, string? endpoint, FineTuningWindDown? windDown, DateOnly today)
    {
        if (windDown is null || !AppliesTo(endpoint) || windDown.AllowsNewJobsOn(today))
        {
            return null;
        }

        var end = windDown.NewJobsEnd.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        return $"{dataset}: OpenAI creates no new fine-tuning jobs since {end}, and finetune.lock.json records no job for this dataset and these parameters, so nothing was uploaded or started: {Alternatives}.";
    }
}
