namespace FineTune.Build.Training;

/// <summary>Diagnostic codes of publish-time training (docs/rules.md, FT7xxx).</summary>
public static class TrainingErrorCodes
{
    /// <summary>OPENAI_API_KEY is not set (reported before any request).</summary>
    public const string MissingApiKey = "FT7001";
    /// <summary>The compiled train (or validation) file does not exist.</summary>
    public const string MissingCompiledFile = "FT7002";
    /// <summary>FineTuneBaseModel is not set.</summary>
    public const string MissingBaseModel = "FT7003";
    /// <summary>FineTuneMethod is not supervised or dpo.</summary>
    public const string InvalidMethod = "FT7004";
    /// <summary>A number or duration property (epochs, batch size, learning-rate multiplier, beta, seed, timeout, poll interval) is invalid.</summary>
    public const string InvalidSetting = "FT7005";
    /// <summary>FineTuneEndpoint / OPENAI_BASE_URL is not an absolute http(s) URL.</summary>
    public const string InvalidEndpoint = "FT7006";
    /// <summary>Another publish of this project held the project lock for too long.</summary>
    public const string LockTimeout = "FT7007";
    /// <summary>finetune.lock.json cannot be read (invalid JSON or schema).</summary>
    public const string InvalidLockFile = "FT7008";
    /// <summary>The API rejected the key (401/403).</summary>
    public const string Unauthorized = "FT7009";
    /// <summary>An API request failed (after retries), with the API's status and message.</summary>
    public const string ApiError = "FT7010";
    /// <summary>The endpoint could not be reached (after retries).</summary>
    public const string Unreachable = "FT7011";
    /// <summary>An uploaded file was rejected or its upload failed.</summary>
    public const string UploadFailed = "FT7012";
    /// <summary>The fine-tuning job failed; the API's reason, at the source line when it names an example.</summary>
    public const string JobFailed = "FT7013";
    /// <summary>The fine-tuning job was cancelled.</summary>
    public const string JobCancelled = "FT7014";
    /// <summary>FineTuneWaitTimeout passed; the job keeps running and the next publish resumes following it.</summary>
    public const string WaitTimeout = "FT7015";
    /// <summary>FineTuneTrainer is not Api or Command.</summary>
    public const string InvalidTrainer = "FT7016";
    /// <summary>FineTuneTrainer=Command without FineTuneTrainCommand.</summary>
    public const string MissingTrainCommand = "FT7017";
    /// <summary>The training command exited with a non-zero code (or could not start).</summary>
    public const string TrainCommandFailed = "FT7018";
    /// <summary>The job recorded in the lock file is unknown to the endpoint.</summary>
    public const string RecordedJobNotFound = "FT7019";
    /// <summary>Warning: the lock entry was recorded against another endpoint.</summary>
    public const string EndpointChanged = "FT7020";
    /// <summary>Warning: FineTuneBeta is set but FineTuneMethod is supervised; it is ignored.</summary>
    public const string BetaIgnored = "FT7021";
    /// <summary>The lock file or the model file cannot be written.</summary>
    public const string WriteFailed = "FT7022";
    /// <summary>The job succeeded without a fine-tuned model id.</summary>
    public const string NoModel = "FT7023";

    /// <summary>One line per code, for docs/rules.md.</summary>
    public static IReadOnlyList<(string Code, string Severity, string Description)> All { get; } = new[]
    {
        (MissingApiKey, "error", "OPENAI_API_KEY is not set; set it in the environment (never in the project file)."),
        (MissingCompiledFile, "error", "The compiled train/validation file is missing; build the project first."),
        (MissingBaseModel, "error", "FineTuneBaseModel is not set."),
        (InvalidMethod, "error", "FineTuneMethod must be supervised or dpo."),
        (InvalidSetting, "error", "A training property (epochs, batch size, learning-rate multiplier, beta, seed, wait timeout, poll interval) has an invalid value."),
        (InvalidEndpoint, "error", "FineTuneEndpoint / OPENAI_BASE_URL must be an absolute http(s) URL such as https://api.openai.com/v1."),
        (LockTimeout, "error", "Another publish of this project held finetune.lock.json.lock for too long."),
        (InvalidLockFile, "error", "finetune.lock.json is not valid; fix or delete the broken entry."),
        (Unauthorized, "error", "The API rejected the key (401/403)."),
        (ApiError, "error", "An API request failed after retries; the message carries the API's status and reason."),
        (Unreachable, "error", "The endpoint could not be reached after retries."),
        (UploadFailed, "error", "Uploading a compiled file failed, or the API rejected the file."),
        (JobFailed, "error", "The fine-tuning job failed; reported at the source line when the API names an example."),
        (JobCancelled, "error", "The fine-tuning job was cancelled."),
        (WaitTimeout, "error", "FineTuneWaitTimeout passed; the job keeps running and the next publish resumes following it."),
        (InvalidTrainer, "error", "FineTuneTrainer must be Api or Command."),
        (MissingTrainCommand, "error", "FineTuneTrainer=Command needs FineTuneTrainCommand."),
        (TrainCommandFailed, "error", "The training command failed to start or exited with a non-zero code."),
        (RecordedJobNotFound, "error", "The job recorded in finetune.lock.json does not exist at this endpoint."),
        (EndpointChanged, "warning", "The lock entry was recorded against another endpoint."),
        (BetaIgnored, "warning", "FineTuneBeta applies only to FineTuneMethod=dpo and is ignored."),
        (WriteFailed, "error", "finetune.lock.json or <name>.model.txt could not be written."),
        (NoModel, "error", "The job succeeded but the API returned no fine_tuned_model."),
    };
}

/// <summary>A training failure with its code and, when known, its source location. Never carries the API key.</summary>
public sealed class TrainingException : Exception
{
    public TrainingException(string code, string message, SourceLocation? location = null, Exception? inner = null)
        : base(message, inner)
    {
        Code = code;
        Location = location;
    }

    public string Code { get; }

    public SourceLocation? Location { get; }
}
