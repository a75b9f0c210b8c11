namespace FineTune.Build.Training.Evaluation;

/// <summary>Everything one evaluation needs (SPEC 8, docs/evaluation.md). The MSBuild task and `finetune eval` fill it.</summary>
public sealed class EvaluationRequest
{
    /// <summary>The environment variable of a separate key for FineTuneEvaluateEndpoint (else OPENAI_API_KEY).</summary>
    public const string ApiKeyVariable = "FINETUNE_EVALUATE_API_KEY";

    /// <summary>The folder of the project file; the lock file lives here.</summary>
    public required string ProjectDirectory { get; init; }

    public required string DatasetName { get; init; }

    /// <summary>The compiled &lt;name&gt;.validation.jsonl (null or missing: FT7053).</summary>
    public string? ValidationFile { get; init; }

    /// <summary>The compiled train file: more class labels for classification (optional).</summary>
    public string? TrainFile { get; init; }

    /// <summary>The compile's &lt;name&gt;.report.json, whose "task" says classification or generation (optional).</summary>
    public string? ReportFile { get; init; }

    /// <summary>classification or generation; null or auto: the report's task, else generation.</summary>
    public string? Task { get; init; }

    /// <summary>The model to evaluate; null: the current model recorded in the lock file.</summary>
    public string? Model { get; init; }

    /// <summary>The stop sequence as trained (unescaped), sent as `stop` for generation when the completions end with it.</summary>
    public string? StopSequence { get; init; }

    /// <summary>FineTuneEvaluateEndpoint; null: <see cref="TrainingEndpoint"/>.</summary>
    public string? Endpoint { get; init; }

    /// <summary>FineTuneEndpoint; null: OPENAI_BASE_URL, else the OpenAI API.</summary>
    public string? TrainingEndpoint { get; init; }

    /// <summary>The key; null: FINETUNE_EVALUATE_API_KEY (with FineTuneEvaluateEndpoint), else OPENAI_API_KEY.</summary>
    public string? ApiKey { get; init; }

    public double? MinAccuracy { get; init; }

    public double? MinExactMatch { get; init; }

    /// <summary>A model id, "previous" (the previous model in the lock file), or null (no comparison).</summary>
    public string? CompareTo { get; init; }

    /// <summary>How much worse (0-1, in the primary metric) the model may be than the compared one.</summary>
    public double MaxRegression { get; init; }

    /// <summary>Evaluate at most this many validation examples, chosen by a stable hash.</summary>
    public int? Limit { get; init; }

    public int Parallelism { get; init; } = 4;

    /// <summary>max_tokens of a generation request.</summary>
    public int MaxTokens { get; init; } = 256;

    /// <summary>Where &lt;name&gt;.eval.json goes; null: beside the validation file.</summary>
    public string? OutputDirectory { get; init; }

    /// <summary>The HTML report to add the evaluation section to (optional; skipped when missing).</summary>
    public string? HtmlReportFile { get; init; }

    /// <summary>Null: finetune.lock.json in <see cref="ProjectDirectory"/>.</summary>
    public string? LockFilePath { get; init; }

    /// <summary>Environment lookup (tests replace it); null: the process environment.</summary>
    public Func<string, string?>? EnvironmentVariable { get; init; }

    internal int MaxRetries { get; init; } = 5;
    internal TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromSeconds(1);
    internal TimeSpan RetryMaxDelay { get; init; } = TimeSpan.FromMinutes(2);

    internal string ResolvedLockFilePath => LockFilePath ?? Path.Combine(ProjectDirectory, TrainingRequest.DefaultLockFileName);

    internal string? GetEnvironmentVariable(string name) =>
        EnvironmentVariable is not null ? EnvironmentVariable(name) : Environment.GetEnvironmentVariable(name);

    /// <summary>FineTuneEvaluateEndpoint, else FineTuneEndpoint, else OPENAI_BASE_URL, else null (the OpenAI API).</summary>
    internal string? ResolveEndpoint() =>
        NullIfEmpty(Endpoint?.Trim()) ?? NullIfEmpty(TrainingEndpoint?.Trim()) ?? NullIfEmpty(GetEnvironmentVariable("OPENAI_BASE_URL")?.Trim());

    /// <summary>The explicit key, else FINETUNE_EVALUATE_API_KEY when a separate endpoint is set, else OPENAI_API_KEY.</summary>
    internal string? ResolveApiKey()
    {
        if (!string.IsNullOrEmpty(ApiKey))
        {
            return ApiKey;
        }

        if (NullIfEmpty(Endpoint?.Trim()) is not null && NullIfEmpty(GetEnvironmentVariable(ApiKeyVariable)) is { } separate)
        {
            return separate;
        }

        return NullIfEmpty(GetEnvironmentVariable("OPENAI_API_KEY"));
    }

    private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;
}
