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
    public sealed class TimeoutException(JobInfo job, bool answered = true) : Exception($"Job {job.Id} is still {job.Status}.")
    {
        public JobInfo Job { get; } = job;

        /// <summary>False when no poll answered before the timeout (a stalled or dead endpoint): <see cref="Job"/>
        /// is then what the caller knew before following, not a fresh look.</summary>
        public bool Answered { get; } = answered;
    }

    /// <returns>The job in a terminal state.</returns>
    /// <exception cref="TimeoutException">When <paramref name="timeout"/> passes first.</exception>
    /// <remarks>The timeout bounds the whole wait: each request is cancelled when it runs out, however long the
    /// server holds it or asks the client to wait (Retry-After), so a dead endpoint ends the wait on time.</remarks>
    public static async Task<JobInfo> FollowAsync(FineTuningApi api, string jobId, string label, TimeSpan timeout, TimeSpan pollInterval,
        bool resumed, ITrainingLog log, CancellationToken ct, JobInfo? known = null)
    {
        var clock = Stopwatch.StartNew();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        if (timeout < TimeSpan.FromDays(24))
        {
            // CancelAfter takes at most int.MaxValue milliseconds; a longer wait is bounded by the loop's own check.
            deadline.CancelAfter(timeout);
        }
        JobInfo? last = null;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        string? status = null;
        string? lastProgress = null;
        int? step = null, total = null;
        double? loss = null;
        var first = true;
        log.Message(TrainingImportance.High, $"{label}: following job {jobId} (timeout {timeout}, polling every {pollInterval}).");
        while (true)
        {
            JobPoll poll;
            IReadOnlyList<JobEvent> events;
            try
            {
                poll = await api.GetJobAsync(jobId, deadline.Token).ConfigureAwait(false);
                last = poll.Info;
                events = await api.GetNewEventsAsync(poll, seen, deadline.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (deadline.IsCancellationRequested && !ct.IsCancellationRequested && IsCancellation(e))
            {
                throw last is not null ? new TimeoutException(last) : new TimeoutException(known ?? Unknown(jobId), answered: false);
            }
            var job = poll.Info;
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
                // A step or total that does not fit an int (an event "Step 99999999999/3") is no progress to show.
                int? messageStep = m.Success && int.TryParse(m.Groups["n"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;
                int? messageTotal = m.Success && int.TryParse(m.Groups["t"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var t) ? t : null;
                if ((e.Step ?? messageStep) is { } newStep)
                {
                    step = newStep;
                    total = e.TotalSteps ?? messageTotal ?? total;
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

    /// <summary>How a request cut short by the deadline surfaces: cancelled, or wrapped by the client's retries.</summary>
    private static bool IsCancellation(Exception e) => e switch
    {
        OperationCanceledException => true,
        AggregateException a => a.InnerExceptions.Any(IsCancellation),
        _ => e.InnerException is { } inner && IsCancellation(inner),
    };

    private static JobInfo Unknown(string jobId) =>
        new(jobId, "unknown", null, null, null, null, null, new Dictionary<string, string>(), 0, null, null, null, null);
}
