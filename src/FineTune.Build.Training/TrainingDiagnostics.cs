using FineTune.Build.Diagnostics;

namespace FineTune.Build.Training;

/// <summary>
/// The diagnostics of publish-time training (FT7xxx, docs/rules.md). They are reported through the same
/// <see cref="DiagnosticCollector"/> as the compiler's, so NoWarn, WarningsAsErrors, TreatWarningsAsErrors and
/// WarningsNotAsErrors apply to them. Messages are composed by the reporter (<c>{0}</c>) except where a code always
/// says the same thing.
/// </summary>
public static class TrainingDiagnostics
{
    private const DiagnosticSeverity Error = DiagnosticSeverity.Error;
    private const DiagnosticSeverity Warning = DiagnosticSeverity.Warning;
    private const string Category = "Training";

    /// <summary>OPENAI_API_KEY is not set (reported before any request).</summary>
    public static readonly DiagnosticDescriptor MissingApiKey = new("FT7001", Error, Category, "OPENAI_API_KEY is not set; set it in the environment (never in the project file)", "OPENAI_API_KEY is not set. Set the environment variable (for example from a CI secret) to train on publish; the key is never read from project properties.", "OPENAI_API_KEY is not set; set it in the environment (never in the project file).");

    /// <summary>The compiled train (or validation) file does not exist.</summary>
    public static readonly DiagnosticDescriptor MissingCompiledFile = new("FT7002", Error, Category, "The compiled train/validation file is missing; build the project first", "{0}", "The compiled train/validation file is missing; build the project first.");

    /// <summary>FineTuneBaseModel is not set.</summary>
    public static readonly DiagnosticDescriptor MissingBaseModel = new("FT7003", Error, Category, "FineTuneBaseModel is not set", "FineTuneBaseModel is not set; it names the model to fine-tune, for example gpt-4o-mini-2024-07-18 or babbage-002.", "FineTuneBaseModel is not set.");

    /// <summary>FineTuneMethod is not supervised or dpo.</summary>
    public static readonly DiagnosticDescriptor InvalidMethod = new("FT7004", Error, Category, "FineTuneMethod must be supervised or dpo", "FineTuneMethod must be 'supervised' or 'dpo', not '{0}'.", "FineTuneMethod must be supervised or dpo.");

    /// <summary>A number or duration property (epochs, batch size, learning-rate multiplier, beta, seed, timeout, poll interval) is invalid.</summary>
    public static readonly DiagnosticDescriptor InvalidSetting = new("FT7005", Error, Category, "A training property (epochs, batch size, learning-rate multiplier, beta, seed, wait timeout, poll interval) has an invalid value", "{0}", "A training property (epochs, batch size, learning-rate multiplier, beta, seed, wait timeout, poll interval) has an invalid value.");

    /// <summary>FineTuneEndpoint / OPENAI_BASE_URL is not an absolute http(s) URL.</summary>
    public static readonly DiagnosticDescriptor InvalidEndpoint = new("FT7006", Error, Category, "FineTuneEndpoint / OPENAI_BASE_URL must be an absolute http(s) URL such as https://api.openai.com/v1", "{0}", "FineTuneEndpoint / OPENAI_BASE_URL must be an absolute http(s) URL such as https://api.openai.com/v1.");

    /// <summary>Another publish of this project held the project lock for too long.</summary>
    public static readonly DiagnosticDescriptor LockTimeout = new("FT7007", Error, Category, "Another publish of this project held finetune.lock.json.lock for too long", "{0}", "Another publish of this project held finetune.lock.json.lock for too long.");

    /// <summary>finetune.lock.json cannot be read (invalid JSON or schema).</summary>
    public static readonly DiagnosticDescriptor InvalidLockFile = new("FT7008", Error, Category, "finetune.lock.json is not valid; fix or delete the broken entry", "{0}", "finetune.lock.json is not valid; fix or delete the broken entry.");

    /// <summary>The API rejected the key (401/403).</summary>
    public static readonly DiagnosticDescriptor Unauthorized = new("FT7009", Error, Category, "The API rejected the key (401/403)", "{0}", "The API rejected the key (401/403).");

    /// <summary>An API request failed (after retries), with the API's status and message.</summary>
    public static readonly DiagnosticDescriptor ApiError = new("FT7010", Error, Category, "An API request failed after retries; the message carries the API's status and reason", "{0}", "An API request failed after retries; the message carries the API's status and reason.");

    /// <summary>The endpoint could not be reached (after retries).</summary>
    public static readonly DiagnosticDescriptor Unreachable = new("FT7011", Error, Category, "The endpoint could not be reached after retries", "{0}", "The endpoint could not be reached after retries.");

    /// <summary>An uploaded file was rejected or its upload failed.</summary>
    public static readonly DiagnosticDescriptor UploadFailed = new("FT7012", Error, Category, "Uploading a compiled file failed, or the API rejected the file", "{0}", "Uploading a compiled file failed, or the API rejected the file.");

    /// <summary>The fine-tuning job failed; the API's reason, at the source line when it names an example.</summary>
    public static readonly DiagnosticDescriptor JobFailed = new("FT7013", Error, Category, "The fine-tuning job failed; reported at the source line when the API names an example", "{0}", "The fine-tuning job failed; reported at the source line when the API names an example.");

    /// <summary>The fine-tuning job was cancelled.</summary>
    public static readonly DiagnosticDescriptor JobCancelled = new("FT7014", Error, Category, "The fine-tuning job was cancelled", "{0}", "The fine-tuning job was cancelled.");

    /// <summary>FineTuneWaitTimeout passed; the job keeps running and the next publish resumes following it.</summary>
    public static readonly DiagnosticDescriptor WaitTimeout = new("FT7015", Error, Category, "FineTuneWaitTimeout passed; the job keeps running and the next publish resumes following it", "{0}", "FineTuneWaitTimeout passed; the job keeps running and the next publish resumes following it.");

    /// <summary>FineTuneTrainer is not Api or Command.</summary>
    public static readonly DiagnosticDescriptor InvalidTrainer = new("FT7016", Error, Category, "FineTuneTrainer must be Api or Command", "FineTuneTrainer must be 'Api' or 'Command', not '{0}'.", "FineTuneTrainer must be Api or Command.");

    /// <summary>FineTuneTrainer=Command without FineTuneTrainCommand.</summary>
    public static readonly DiagnosticDescriptor MissingTrainCommand = new("FT7017", Error, Category, "FineTuneTrainer=Command needs FineTuneTrainCommand", "{0}", "FineTuneTrainer=Command needs FineTuneTrainCommand.");

    /// <summary>The training command exited with a non-zero code (or could not start).</summary>
    public static readonly DiagnosticDescriptor TrainCommandFailed = new("FT7018", Error, Category, "The training command failed to start or exited with a non-zero code", "{0}", "The training command failed to start or exited with a non-zero code.");

    /// <summary>The job recorded in the lock file is unknown to the endpoint.</summary>
    public static readonly DiagnosticDescriptor RecordedJobNotFound = new("FT7019", Error, Category, "The job recorded in finetune.lock.json does not exist at this endpoint", "{0}", "The job recorded in finetune.lock.json does not exist at this endpoint.");

    /// <summary>Warning: the lock entry was recorded against another endpoint.</summary>
    public static readonly DiagnosticDescriptor EndpointChanged = new("FT7020", Warning, Category, "The lock entry was recorded against another endpoint", "{0}", "The lock entry was recorded against another endpoint.");

    /// <summary>Warning: FineTuneBeta is set but FineTuneMethod is supervised; it is ignored.</summary>
    public static readonly DiagnosticDescriptor BetaIgnored = new("FT7021", Warning, Category, "FineTuneBeta applies only to FineTuneMethod=dpo and is ignored", "FineTuneBeta applies only to FineTuneMethod=dpo; it is ignored.", "FineTuneBeta applies only to FineTuneMethod=dpo and is ignored.");

    /// <summary>The lock file or the model file cannot be written.</summary>
    public static readonly DiagnosticDescriptor WriteFailed = new("FT7022", Error, Category, "finetune.lock.json or <name>.model.txt could not be written", "{0}", "finetune.lock.json or <name>.model.txt could not be written.");

    /// <summary>The job succeeded without a fine-tuned model id.</summary>
    public static readonly DiagnosticDescriptor NoModel = new("FT7023", Error, Category, "The job succeeded but the API returned no fine_tuned_model", "{0}", "The job succeeded but the API returned no fine_tuned_model.");

    /// <summary>The endpoint answered with something that is not the fine-tuning API's JSON (an HTML page, a wrong shape).</summary>
    public static readonly DiagnosticDescriptor UnexpectedResponse = new("FT7024", Error, Category, "The endpoint's answer is not the fine-tuning API's JSON; check FineTuneEndpoint / OPENAI_BASE_URL", "{0}", "The endpoint's answer is not the fine-tuning API's JSON; check FineTuneEndpoint / OPENAI_BASE_URL.");

    /// <summary>finetune.lock.json.lock cannot be created or opened (a folder in its place, a read-only project folder).</summary>
    public static readonly DiagnosticDescriptor LockUnavailable = new("FT7025", Error, Category, "finetune.lock.json.lock cannot be created or opened", "{0}", "finetune.lock.json.lock cannot be created or opened.");

    /// <summary>Warning: publishing to api.openai.com, whose fine-tuning stops creating new jobs on the catalog's date.</summary>
    public static readonly DiagnosticDescriptor ProviderWindDown = new("FT7026", Warning, Category, "OpenAI's fine-tuning stops creating new jobs (the catalog's wind-down date)", "{0}", "OpenAI's fine-tuning stops creating new jobs on the catalog's wind-down date; train through FineTuneTrainer=Command or another OpenAI-compatible FineTuneEndpoint.");

    /// <summary>The wind-down day has passed and this publish would create a new job at api.openai.com.</summary>
    public static readonly DiagnosticDescriptor ProviderWindDownPassed = new("FT7027", Error, Category, "OpenAI no longer creates new fine-tuning jobs and none is recorded for this dataset", "{0}", "OpenAI no longer creates new fine-tuning jobs; train through FineTuneTrainer=Command or another OpenAI-compatible FineTuneEndpoint.");

    /// <summary>Every training code, in code order.</summary>
    public static IReadOnlyList<DiagnosticDescriptor> All { get; } = DiagnosticRegistry.FieldsOf(typeof(TrainingDiagnostics));
}
