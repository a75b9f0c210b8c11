namespace FineTune.Build.Training;

/// <summary>Everything one publish needs to train (or find the already trained) model for one dataset.</summary>
public sealed class TrainingRequest
{
    public const string DefaultLockFileName = "finetune.lock.json";
    public static readonly TimeSpan DefaultWaitTimeout = TimeSpan.FromHours(24);
    public static readonly TimeSpan DefaultPollInterval = TimeSpan.FromSeconds(15);

    /// <summary>The folder of the project file; the lock file lives here.</summary>
    public required string ProjectDirectory { get; init; }

    /// <summary>FineTuneDatasetName: names the lock entry, uploaded files and &lt;name&gt;.model.txt.</summary>
    public required string DatasetName { get; init; }

    /// <summary>The compiled &lt;name&gt;.train.jsonl.</summary>
    public required string TrainFile { get; init; }

    /// <summary>The compiled &lt;name&gt;.validation.jsonl, when there is a validation split.</summary>
    public string? ValidationFile { get; init; }

    public string? BaseModel { get; init; }
    public string? Suffix { get; init; }
    public int? Seed { get; init; }

    /// <summary>supervised (default) or dpo.</summary>
    public string Method { get; init; } = "supervised";

    /// <summary>Null: "auto".</summary>
    public int? Epochs { get; init; }
    public int? BatchSize { get; init; }
    public double? LearningRateMultiplier { get; init; }
    public double? Beta { get; init; }

    /// <summary>Follow the job until it ends (FineTuneWait, default true).</summary>
    public bool Wait { get; init; } = true;
    public TimeSpan WaitTimeout { get; init; } = DefaultWaitTimeout;
    public TimeSpan PollInterval { get; init; } = DefaultPollInterval;

    /// <summary>FineTuneEndpoint; when empty OPENAI_BASE_URL, else the OpenAI API.</summary>
    public string? Endpoint { get; init; }

    /// <summary>The key; when null it is read from OPENAI_API_KEY. Never pass it through MSBuild properties
    /// (they are logged): the task leaves this null.</summary>
    public string? ApiKey { get; init; }

    /// <summary>The git commit of the sources; when null it is read from the repository around the project.</summary>
    public string? SourceRevision { get; init; }

    /// <summary>Where &lt;name&gt;.model.txt goes (PublishDir); null: not written.</summary>
    public string? PublishDirectory { get; init; }

    /// <summary>Api (default) or Command.</summary>
    public string Trainer { get; init; } = "Api";

    /// <summary>FineTuneTrainCommand, with {train}, {validation} and {model} placeholders.</summary>
    public string? TrainCommand { get; init; }

    /// <summary>Maps "Example N" of a failed job to the source; null: the compiled file's line N.</summary>
    public ExampleLocator? ExampleLocator { get; init; }

    /// <summary>Null: finetune.lock.json in <see cref="ProjectDirectory"/>.</summary>
    public string? LockFilePath { get; init; }

    /// <summary>The day the wind-down is compared with (null: today, UTC).</summary>
    public DateOnly? Today { get; init; }

    /// <summary>The provider's end of new fine-tuning jobs (default: the built-in catalog's).</summary>
    public Models.FineTuningWindDown? ProviderWindDown { get; init; } = Models.ModelCatalog.LoadDefault().ProviderWindDown;

    /// <summary>Environment lookup (tests replace it); null: the process environment.</summary>
    public Func<string, string?>? EnvironmentVariable { get; init; }

    // Internal knobs so tests can use small numbers and short delays.
    internal long UploadsApiThreshold { get; init; } = 512L * 1024 * 1024;
    internal int UploadPartSize { get; init; } = 64 * 1024 * 1024;
    internal int MaxRetries { get; init; } = 5;
    internal TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromSeconds(1);
    internal TimeSpan RetryMaxDelay { get; init; } = TimeSpan.FromMinutes(2);
    internal TimeSpan ProjectLockTimeout { get; init; } = TimeSpan.FromMinutes(10);
    internal TimeSpan? NetworkTimeout { get; init; }
    /// <summary>Called at "uploaded" (files ready, no job yet) and "created" (job created, lock not yet written); tests throw to simulate a kill.</summary>
    internal Action<string>? Checkpoint { get; init; }

    internal string ResolvedLockFilePath => LockFilePath ?? Path.Combine(ProjectDirectory, DefaultLockFileName);

    internal string? GetEnvironmentVariable(string name) =>
        EnvironmentVariable is not null ? EnvironmentVariable(name) : Environment.GetEnvironmentVariable(name);

    internal string? ResolveApiKey() =>
        !string.IsNullOrEmpty(ApiKey) ? ApiKey : NullIfEmpty(GetEnvironmentVariable("OPENAI_API_KEY"));

    /// <summary>FineTuneEndpoint, else OPENAI_BASE_URL, else null (the library's default, the OpenAI API).</summary>
    internal string? ResolveEndpoint() =>
        NullIfEmpty(Endpoint?.Trim()) ?? NullIfEmpty(GetEnvironmentVariable("OPENAI_BASE_URL")?.Trim());

    private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;
}

/// <summary>What a training run ended with.</summary>
public sealed class TrainingResult
{
    public bool Succeeded { get; init; }
    /// <summary>The fine-tuned model id, when the job succeeded.</summary>
    public string? FineTunedModel { get; init; }
    public string? JobId { get; init; }
    /// <summary>The job's last known status (queued, validating_files, running, succeeded, failed, cancelled).</summary>
    public string? Status { get; init; }
    public string? LockKey { get; init; }
    public string? DatasetHash { get; init; }
    /// <summary>True when nothing new was started: the lock file (or the API) already had this job.</summary>
    public bool Reused { get; init; }
}
