using System.CommandLine;
using System.Globalization;
using FineTune.Build.Diagnostics;
using FineTune.Build.Training;

namespace FineTune.Build.Cli;

/// <summary>
/// status, follow, list and cancel over finetune.lock.json and the API (SPEC 9). The key comes only from
/// OPENAI_API_KEY and is redacted from everything printed. Exit codes: see <see cref="ExitCodes"/>.
/// </summary>
public static class TrainingCommands
{
    public static class ExitCodes
    {
        /// <summary>Done: the job succeeded / is in progress / was cancelled as asked.</summary>
        public const int Ok = 0;
        /// <summary>The job failed or was cancelled (status, follow), or had already ended (cancel).</summary>
        public const int JobFailed = 1;
        /// <summary>Bad usage, an unreadable lock file, or nothing recorded to act on.</summary>
        public const int Usage = 2;
        /// <summary>The API refused or could not be reached (including a missing key).</summary>
        public const int ApiError = 3;
        /// <summary>follow: the timeout passed; the job keeps running.</summary>
        public const int Timeout = 4;
        /// <summary>Any command: an internal failure of the tool (a bug: FT0004 on stderr, no stack trace), as
        /// opposed to 1, the findings of compile and check.</summary>
        public const int InternalError = 5;
    }

    public static void AddTo(RootCommand root, TextWriter output, TextWriter error, Func<string, string?> environment)
    {
        var project = new Option<string>("--project", "-p")
        {
            Description = "The dataset project file or its folder (default: the current folder). Its finetune.lock.json is used.",
            DefaultValueFactory = _ => ".",
        };
        var dataset = new Option<string?>("--dataset", "-d") { Description = "The dataset name (default: every dataset in the lock file, or the only one)." };
        var endpoint = new Option<string?>("--endpoint") { Description = "The API base URL (default: OPENAI_BASE_URL, else the OpenAI API)." };
        var offline = new Option<bool>("--offline") { Description = "Only read the lock file; make no request." };
        var jobArgument = new Argument<string?>("job-id") { Description = "A job id (default: the current job of the dataset in the lock file).", Arity = ArgumentArity.ZeroOrOne };
        var timeout = new Option<string?>("--timeout") { Description = "Stop following after this long (90s, 30m, 2h, 01:30:00; default 24h). The job keeps running." };
        var poll = new Option<string?>("--poll-interval") { Description = "Time between polls (default 15s)." };
        var limit = new Option<int>("--limit", "-n") { Description = "How many jobs to list (default 20).", DefaultValueFactory = _ => 20 };

        var status = new Command("status", "Show the recorded training runs of the project, refreshed from the API unless --offline.");
        status.Options.Add(project);
        status.Options.Add(dataset);
        status.Options.Add(endpoint);
        status.Options.Add(offline);
        status.SetAction((r, ct) => Run(output, error, environment, ctx => StatusAsync(ctx, r.GetValue(project)!, r.GetValue(dataset), r.GetValue(endpoint), r.GetValue(offline), ct)));

        var follow = new Command("follow", "Follow a job until it ends, printing its events; updates the lock file.");
        follow.Arguments.Add(jobArgument);
        follow.Options.Add(project);
        follow.Options.Add(dataset);
        follow.Options.Add(endpoint);
        follow.Options.Add(timeout);
        follow.Options.Add(poll);
        follow.SetAction((r, ct) => Run(output, error, environment, ctx => FollowAsync(ctx, r.GetValue(jobArgument), r.GetValue(project)!, r.GetValue(dataset), r.GetValue(endpoint), r.GetValue(timeout), r.GetValue(poll), ct)));

        var list = new Command("list", "List the account's fine-tuning jobs, newest first.");
        list.Options.Add(endpoint);
        list.Options.Add(limit);
        list.SetAction((r, ct) => Run(output, error, environment, ctx => ListAsync(ctx, r.GetValue(endpoint), r.GetValue(limit), ct)));

        var cancel = new Command("cancel", "Cancel a job (default: the current job of the dataset); updates the lock file.");
        cancel.Arguments.Add(jobArgument);
        cancel.Options.Add(project);
        cancel.Options.Add(dataset);
        cancel.Options.Add(endpoint);
        cancel.SetAction((r, ct) => Run(output, error, environment, ctx => CancelAsync(ctx, r.GetValue(jobArgument), r.GetValue(project)!, r.GetValue(dataset), r.GetValue(endpoint), ct)));

        root.Subcommands.Add(status);
        root.Subcommands.Add(follow);
        root.Subcommands.Add(list);
        root.Subcommands.Add(cancel);
    }

    private sealed class Context
    {
        public required ITrainingLog Log { get; init; }
        /// <summary>FT7xxx warnings and errors: the same collector (and severity policy) as every other diagnostic.</summary>
        public required DiagnosticCollector Diagnostics { get; init; }
        public required TextWriter Out { get; init; }
        public required Func<string, string?> Environment { get; init; }
        public required string? Key { get; init; }

        public FineTuningApi Api(string? endpoint)
        {
            if (string.IsNullOrEmpty(Key))
            {
                throw new TrainingException(TrainingDiagnostics.MissingApiKey, "OPENAI_API_KEY is not set.");
            }

            var resolved = string.IsNullOrWhiteSpace(endpoint) ? Environment("OPENAI_BASE_URL") : endpoint;
            return new FineTuningApi(Key!, string.IsNullOrWhiteSpace(resolved) ? null : resolved,
                retry => Log.Message(TrainingImportance.Normal, retry));
        }

        public void Print(string line) => Log.Message(TrainingImportance.High, line);

        public void Report(DiagnosticDescriptor descriptor, string message) => Diagnostics.Report(descriptor, null, 0, 0, message);
    }

    /// <summary>Prints messages to stdout.</summary>
    private sealed class ConsoleLog(TextWriter output) : ITrainingLog
    {
        public void Message(TrainingImportance importance, string text) => output.WriteLine(text);
    }

    private static async Task<int> Run(TextWriter output, TextWriter error, Func<string, string?> environment, Func<Context, Task<int>> action)
    {
        var key = environment("OPENAI_API_KEY");
        var log = TrainingLogs.Redacting(new ConsoleLog(output), key);
        // Diagnostics go to stderr in MSBuild's canonical "file(line,col): error CODE: text" form, without the key.
        var diagnostics = new DiagnosticCollector(sink: d => error.WriteLine(TrainingLogs.Redact(d.ToString(), key)));
        var context = new Context { Log = log, Diagnostics = diagnostics, Out = output, Environment = environment, Key = string.IsNullOrEmpty(key) ? null : key };
        try
        {
            return await action(context).ConfigureAwait(false);
        }
        catch (TrainingException e)
        {
            var at = e.Location ?? Location.None;
            diagnostics.Report(e.Descriptor, at.File, at.Line, at.Column, e.Message);
            return ApiFailures.Contains(e.Descriptor)
                ? ExitCodes.ApiError
                : ExitCodes.Usage;
        }
        catch (Exception e) when (e is System.ClientModel.ClientResultException or HttpRequestException or IOException or AggregateException)
        {
            var status = e is System.ClientModel.ClientResultException c && c.Status != 0 ? $"HTTP {c.Status}: " : "";
            diagnostics.Report(c2(e), null, 0, 0, $"{status}{FirstLine(e.Message)}");
            return ExitCodes.ApiError;
        }

        static DiagnosticDescriptor c2(Exception e) => e is System.ClientModel.ClientResultException { Status: 401 or 403 } ? TrainingDiagnostics.Unauthorized
            : e is System.ClientModel.ClientResultException { Status: > 0 } ? TrainingDiagnostics.ApiError : TrainingDiagnostics.Unreachable;
    }

    /// <summary>Failures of the API (exit code ApiError); every other training error is a usage error.</summary>
    private static readonly DiagnosticDescriptor[] ApiFailures =
    [
        TrainingDiagnostics.MissingApiKey, TrainingDiagnostics.Unauthorized, TrainingDiagnostics.ApiError,
        TrainingDiagnostics.Unreachable, TrainingDiagnostics.RecordedJobNotFound, TrainingDiagnostics.UnexpectedResponse,
    ];

    private static string FirstLine(string s)
    {
        var i = s.IndexOfAny(new[] { '\r', '\n' });
        return i < 0 ? s : s[..i];
    }

    private static string LockPath(string project)
    {
        var full = Path.GetFullPath(project);
        var dir = File.Exists(full) ? Path.GetDirectoryName(full)! : full;
        return Path.Combine(dir, TrainingRequest.DefaultLockFileName);
    }

    private static IEnumerable<string> Datasets(LockFile lockFile, string? dataset, string lockPath)
    {
        if (dataset is not null)
        {
            if (lockFile.Current(dataset) is null)
            {
                throw new TrainingException(TrainingDiagnostics.InvalidLockFile, $"'{lockPath}' records no training of dataset '{dataset}'.");
            }

            return new[] { dataset };
        }
        var names = lockFile.DatasetNames.Where(n => lockFile.Current(n) is not null).ToList();
        if (names.Count == 0)
        {
            throw new TrainingException(TrainingDiagnostics.InvalidLockFile, $"'{lockPath}' records no training yet; run dotnet publish -p:FineTuneTrainOnPublish=true first.");
        }

        return names;
    }

    /// <summary>The job to act on: the argument, else the current job of the (only or named) dataset.</summary>
    private static (string JobId, string? Dataset) ResolveJob(string? jobId, string project, string? dataset)
    {
        if (!string.IsNullOrEmpty(jobId))
        {
            return (jobId!, dataset);
        }

        var lockPath = LockPath(project);
        var lockFile = LockFile.Load(lockPath);
        var names = Datasets(lockFile, dataset, lockPath).ToList();
        if (names.Count > 1)
        {
            throw new TrainingException(TrainingDiagnostics.InvalidLockFile, $"'{lockPath}' records several datasets ({string.Join(", ", names)}); choose one with --dataset.");
        }

        var entry = lockFile.Current(names[0])!;
        if (entry.JobId is null)
        {
            throw new TrainingException(TrainingDiagnostics.InvalidLockFile, $"Dataset '{names[0]}' was trained by a command, not an API job.");
        }

        return (entry.JobId, names[0]);
    }

    private static async Task<int> StatusAsync(Context ctx, string project, string? dataset, string? endpoint, bool offline, CancellationToken ct)
    {
        var lockPath = LockPath(project);
        var lockFile = LockFile.Load(lockPath);
        var exit = ExitCodes.Ok;
        FineTuningApi? api = null;
        foreach (var name in Datasets(lockFile, dataset, lockPath))
        {
            var key = lockFile.CurrentKey(name)!;
            var entry = lockFile.Current(name)!;
            var statusText = entry.Status ?? "unknown";
            string? model = entry.FineTunedModel;
            string? errorText = entry.Error;
            if (!offline && entry.JobId is not null && !entry.IsTerminal)
            {
                api ??= ctx.Api(endpoint ?? entry.Endpoint);
                var info = (await api.GetJobAsync(entry.JobId, ct).ConfigureAwait(false)).Info;
                statusText = info.Status;
                model = info.FineTunedModel ?? model;
                errorText = info.ErrorMessage ?? errorText;
            }
            ctx.Print($"{name}: {statusText}");
            ctx.Print($"  lock key:      {key}");
            if (entry.JobId is not null)
            {
                ctx.Print($"  job:           {entry.JobId}{(entry.Endpoint is null ? "" : " at " + entry.Endpoint)}");
            }

            if (entry.Trainer == "command")
            {
                ctx.Print($"  trainer:       command ({entry.Command})");
            }

            ctx.Print($"  base model:    {entry.BaseModel} ({entry.Method})");
            if (model is not null)
            {
                ctx.Print($"  model:         {model}");
            }

            if (errorText is not null)
            {
                ctx.Print($"  error:         {errorText}");
            }

            if (entry.SourceRevision is not null)
            {
                ctx.Print($"  source:        {entry.SourceRevision}");
            }

            var history = lockFile.Entries(name).Count() - 1;
            if (history > 0)
            {
                ctx.Print($"  history:       {history} earlier run{(history == 1 ? "" : "s")}");
            }

            if (statusText is "failed" or "cancelled")
            {
                exit = ExitCodes.JobFailed;
            }
        }
        return exit;
    }

    private static async Task<int> FollowAsync(Context ctx, string? jobArg, string project, string? dataset, string? endpoint, string? timeoutText, string? pollText, CancellationToken ct)
    {
        var timeout = TrainingSettings.ParseDuration("--timeout", timeoutText, TrainingRequest.DefaultWaitTimeout);
        var poll = TrainingSettings.ParseDuration("--poll-interval", pollText, TrainingRequest.DefaultPollInterval);
        var (jobId, name) = ResolveJob(jobArg, project, dataset);
        var api = ctx.Api(endpoint ?? (name is null ? null : LockFile.Load(LockPath(project)).Current(name)?.Endpoint));
        JobInfo job;
        try
        {
            job = await JobFollower.FollowAsync(api, jobId, name ?? jobId, timeout, poll, resumed: true, ctx.Log, ct).ConfigureAwait(false);
        }
        catch (JobFollower.TimeoutException t)
        {
            if (t.Answered)
            {
                UpdateLock(ctx, project, t.Job);
            }

            ctx.Report(TrainingDiagnostics.WaitTimeout, t.Answered
                ? $"Stopped following job {jobId} after {timeout}; it is still {t.Job.Status} and keeps running."
                : $"Stopped following job {jobId} after {timeout}; the endpoint did not answer in time. The job keeps running.");
            return ExitCodes.Timeout;
        }
        UpdateLock(ctx, project, job);
        switch (job.Status)
        {
            case "succeeded":
                ctx.Print($"Fine-tuned model: {job.FineTunedModel}");
                return ExitCodes.Ok;
            case "cancelled":
                ctx.Report(TrainingDiagnostics.JobCancelled, $"Job {job.Id} was cancelled.");
                return ExitCodes.JobFailed;
            default:
                ctx.Report(TrainingDiagnostics.JobFailed, $"Job {job.Id} failed: {(job.ErrorCode is null ? "" : job.ErrorCode + ": ")}{job.ErrorMessage ?? "the API gave no reason"}");
                return ExitCodes.JobFailed;
        }
    }

    private static async Task<int> ListAsync(Context ctx, string? endpoint, int limit, CancellationToken ct)
    {
        var jobs = await ctx.Api(endpoint).ListJobsAsync(Math.Max(1, limit), null, ct).ConfigureAwait(false);
        if (jobs.Count == 0)
        {
            ctx.Print("No fine-tuning jobs.");
            return ExitCodes.Ok;
        }
        ctx.Print($"{"JOB",-28} {"STATUS",-17} {"CREATED (UTC)",-20} {"DATASET",-16} {"BASE MODEL",-28} FINE-TUNED MODEL");
        foreach (var j in jobs)
        {
            var created = j.CreatedAt > 0 ? DateTimeOffset.FromUnixTimeSeconds(j.CreatedAt).UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) : "";
            var name = j.Metadata.TryGetValue(TrainingService.MetadataDataset, out var d) ? d : "";
            ctx.Print($"{j.Id,-28} {j.Status,-17} {created,-20} {name,-16} {j.BaseModel,-28} {j.FineTunedModel}");
        }
        return ExitCodes.Ok;
    }

    private static async Task<int> CancelAsync(Context ctx, string? jobArg, string project, string? dataset, string? endpoint, CancellationToken ct)
    {
        var (jobId, name) = ResolveJob(jobArg, project, dataset);
        var api = ctx.Api(endpoint ?? (name is null ? null : LockFile.Load(LockPath(project)).Current(name)?.Endpoint));
        var before = (await api.GetJobAsync(jobId, ct).ConfigureAwait(false)).Info;
        if (before.IsTerminal)
        {
            UpdateLock(ctx, project, before);
            ctx.Print($"Job {jobId} has already ended: {before.Status}.");
            return ExitCodes.JobFailed;
        }
        var job = await api.CancelJobAsync(jobId, ct).ConfigureAwait(false);
        UpdateLock(ctx, project, job);
        ctx.Print($"Job {jobId}: {job.Status}.");
        return ExitCodes.Ok;
    }

    /// <summary>Records what the API said about a job in whichever lock entry holds it.</summary>
    private static void UpdateLock(Context ctx, string project, JobInfo job)
    {
        var lockPath = LockPath(project);
        if (!File.Exists(lockPath))
        {
            return;
        }

        var lockFile = LockFile.Load(lockPath);
        foreach (var name in lockFile.DatasetNames.ToList())
        {
            var current = lockFile.CurrentKey(name);
            foreach (var (key, entry) in lockFile.Entries(name).ToList())
            {
                if (entry.JobId != job.Id)
                {
                    continue;
                }

                entry.Status = job.Status;
                entry.FineTunedModel = job.FineTunedModel ?? entry.FineTunedModel;
                if (job.ErrorMessage is not null)
                {
                    entry.Error = TrainingLogs.Redact(job.ErrorCode is null ? job.ErrorMessage : $"{job.ErrorCode}: {job.ErrorMessage}", ctx.Key);
                }

                lockFile.Set(name, key, entry);
                // Set makes the entry current; keep the current key as it was.
                if (current is not null && current != key)
                {
                    lockFile.Set(name, current, lockFile.Find(name, current)!);
                }
            }
        }
        lockFile.Save(lockPath);
    }
}
