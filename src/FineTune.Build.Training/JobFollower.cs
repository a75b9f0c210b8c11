using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace FineTune.Build.Training;

/// <summary>
/// Polls a job until it ends, printing its new events (Normal importance) and a progress line with step n/N and
/// the training loss (High importance) whenever they change. Used by publish and by 'finetune follow'.
/// </summary>
public static class JobFollower
{
    private static readonly Regex StepPattern = new(@"Step\s+(?<n>\d+)\s*/\s*(?<t>\d+)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
    private static readonly Regex LossPattern = new(@"training loss\s*[=:]\s*(?<l>[0-9.eE+-]+)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    /// <summary>The wait timed out; the job (still running) is in <see cref="Job"/>.</summary>
    public sealed class TimeoutException(JobInfo job) : Exception($"Job {job.Id} is still {job.Status}.")
    {
        public JobInfo Job { get; } = job;
    }

    /// <returns>The job in a terminal state.</returns>
    /// <exception cref="TimeoutException">When <paramref name="timeout"/> passes first.</exception>
    public static async Task<JobInfo> FollowAsync(FineTuningApi api, string jobId, string label, TimeSpan timeout, TimeSpan pollInterval,
        bool resumed, ITrainingLog log, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        string? status = null;
        string? lastProgress = null;
        int? step = null, total = null;
        double? loss = null;
        var first = true;
        log.Message(TrainingImportance.High, $"{label}: following job {jobId} (timeout {timeout}, polling every {pollInterval}).");
        while (true)
        {
            var poll = await api.GetJobAsync(jobId, ct).ConfigureAwait(false);
            var job = poll.Info;
            var events = await api.GetNewEventsAsync(poll, seen, ct).ConfigureAwait(false);
            var shown = events;
            // A resumed job may have thousands of events: show the last ones.
            if (first && resumed && events.Count > 20)
            {
                log.Message(TrainingImportance.Normal, $"  ({events.Count - 20} earlier events not shown)");
                shown = events.Skip(events.Count - 20).ToList();
            }
            first = false;
            foreach (var e in events)
            {
                var m = StepPattern.Match(e.Message);
                if (e.Step is not null || m.Success)
                {
                    step = e.Step ?? int.Parse(m.Groups["n"].Value, CultureInfo.InvariantCulture);
                    total = e.TotalSteps ?? (m.Success ? int.Parse(m.Groups["t"].Value, CultureInfo.InvariantCulture) : total);
                }
                var l = LossPattern.Match(e.Message);
                if (e.TrainLoss is not null)
                {
                    loss = e.TrainLoss;
                }
                else if (l.Success && double.TryParse(l.Groups["l"].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var lv))
                {
                    loss = lv;
                }
            }
            foreach (var e in shown)
            {
                log.Message(TrainingImportance.Normal, $"  {e.CreatedAt.UtcDateTime:HH:mm:ss} {e.Message}");
            }

            if (job.Status != status)
            {
                status = job.Status;
                log.Message(TrainingImportance.High, $"{label}: job {job.Id} is {status}.");
            }
            if (step is not null)
            {
                var key = $"{job.Status}|{step}|{loss}";
                if (key != lastProgress)
                {
                    lastProgress = key;
                    log.Message(TrainingImportance.High, string.Create(CultureInfo.InvariantCulture,
                        $"{label}: job {job.Id} {job.Status}: step {step}/{(total?.ToString(CultureInfo.InvariantCulture) ?? "?")}{(total is > 0 ? $" ({100.0 * step.Value / total.Value:0}%)" : "")}{(loss is null ? "" : $", training loss={loss:0.0000}")}, elapsed {clock.Elapsed:hh\\:mm\\:ss}"));
                }
            }
            if (job.IsTerminal)
            {
                return job;
            }

            var remaining = timeout - clock.Elapsed;
            if (remaining <= TimeSpan.Zero)
            {
                throw new TimeoutException(job);
            }

            await Task.Delay(remaining < pollInterval ? remaining : pollInterval, ct).ConfigureAwait(false);
        }
    }
}
