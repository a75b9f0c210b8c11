namespace FineTune.Build.Models;

/// <summary>
/// The day from which the provider creates no new fine-tuning jobs for anyone (OpenAI: 2027-01-06), with its citation.
/// Fine-tuned models keep serving until their base model shuts down; only new jobs stop.
/// </summary>
public sealed record FineTuningWindDown(DateOnly NewJobsEnd, string? Source, string? Note)
{
    /// <summary>True when a job could still be created on <paramref name="today"/> (the end date itself is excluded).</summary>
    public bool AllowsNewJobsOn(DateOnly today) => today < NewJobsEnd;

    /// <summary>Days from <paramref name="today"/> to the end (0 or less once it has passed).</summary>
    public int DaysLeft(DateOnly today) => NewJobsEnd.DayNumber - today.DayNumber;
}
