using FineTune.Build.Compilation;
using FineTune.Build.Diagnostics;
using FineTune.Build.Training;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace FineTune.Build.Tasks;

/// <summary>
/// Publish-time training (SPEC 7). Thin: parses the properties, maps the log, and calls
/// <see cref="TrainingService"/>. Its FT7xxx diagnostics go through a <see cref="DiagnosticCollector"/> with the
/// project's NoWarn/WarningsAsErrors/TreatWarningsAsErrors/WarningsNotAsErrors, like the compiler's. The API key is never a parameter (parameters are logged): the service reads
/// OPENAI_API_KEY from the environment itself.
/// </summary>
public sealed class TrainFineTuneModel : Microsoft.Build.Utilities.Task, ICancelableTask
{
    private readonly CancellationTokenSource _cancel = new();

    [Required] public string ProjectDirectory { get; set; } = "";
    [Required] public string DatasetName { get; set; } = "";
    /// <summary>The compiled train file (empty when the compile produced none).</summary>
    public string? TrainFile { get; set; }
    public string? ValidationFile { get; set; }
    public string? BaseModel { get; set; }
    public string? Suffix { get; set; }
    public string? Seed { get; set; }
    public string? Method { get; set; }
    public string? Epochs { get; set; }
    public string? BatchSize { get; set; }
    public string? LearningRateMultiplier { get; set; }
    public string? Beta { get; set; }
    public string? Wait { get; set; }
    public string? WaitTimeout { get; set; }
    public string? PollInterval { get; set; }
    public string? Endpoint { get; set; }
    public string? Trainer { get; set; }
    public string? TrainCommand { get; set; }
    public string? PublishDirectory { get; set; }
    /// <summary>The obj folder, where the compiler writes &lt;name&gt;.train.sourcemap.tsv.</summary>
    public string? IntermediateDirectory { get; set; }

    /// <summary>The project file ($(MSBuildProjectFullPath)), where errors without a source location point.</summary>
    public string? ProjectFile { get; set; }

    public string? NoWarn { get; set; }
    public string? WarningsAsErrors { get; set; }
    public string? WarningsNotAsErrors { get; set; }
    public bool TreatWarningsAsErrors { get; set; }

    [Output] public string? FineTunedModel { get; set; }
    [Output] public string? JobId { get; set; }
    [Output] public string? JobStatus { get; set; }

    public void Cancel() => _cancel.Cancel();

    public override bool Execute()
    {
        try
        {
            return ExecuteCore();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The service reports its own failures; this catches what escapes it (or the parsing before it). The
            // key comes from the environment only, so it is masked here too.
            var key = Environment.GetEnvironmentVariable("OPENAI_API_KEY");
            return TaskFailure.Log(Log, ex, string.IsNullOrWhiteSpace(ProjectFile) ? BuildEngine?.ProjectFileOfTaskNode : ProjectFile,
                $"training {DatasetName}", text => string.IsNullOrEmpty(key) ? text : text.Replace(key, "***", StringComparison.Ordinal));
        }
    }

    private bool ExecuteCore()
    {
        // Errors without a source location point at the user's project, not at the SDK's targets file.
        var projectFile = string.IsNullOrWhiteSpace(ProjectFile) ? BuildEngine?.ProjectFileOfTaskNode : ProjectFile;
        var log = new MSBuildTrainingLog(Log);
        // Training errors without a line (an API failure, a missing key) point at the project's first line, or at
        // <FineTuneBaseModel> for a model finding, so they match the problem matcher and become annotations.
        var locator = string.IsNullOrWhiteSpace(projectFile) ? null : new ProjectFileLocator(projectFile);
        var diagnostics = new DiagnosticCollector(
            new DiagnosticPolicy(NoWarn, WarningsAsErrors, WarningsNotAsErrors, TreatWarningsAsErrors),
            diagnostic => Log.Log(diagnostic, projectFile))
        {
            Placement = locator is null ? null : locator.Place,
        };
        TrainingRequest request;
        try
        {
            if (string.IsNullOrWhiteSpace(TrainFile))
            {
                throw new TrainingException(TrainingDiagnostics.MissingCompiledFile, $"There is no compiled train file for {DatasetName}; the compile produced no {DatasetName}.train.jsonl.");
            }

            request = new TrainingRequest
            {
                ProjectDirectory = ProjectDirectory,
                DatasetName = DatasetName,
                TrainFile = TrainFile!,
                ValidationFile = string.IsNullOrWhiteSpace(ValidationFile) ? null : ValidationFile,
                BaseModel = Empty(BaseModel),
                Suffix = Empty(Suffix),
                Seed = TrainingSettings.ParseSeed(Seed),
                Method = TrainingSettings.ParseMethod(Method),
                Epochs = TrainingSettings.ParseOptionalInt("FineTuneEpochs", Epochs, 1, 50),
                BatchSize = TrainingSettings.ParseOptionalInt("FineTuneBatchSize", BatchSize, 1, 256),
                LearningRateMultiplier = TrainingSettings.ParseOptionalDouble("FineTuneLearningRateMultiplier", LearningRateMultiplier, 0, 100),
                Beta = TrainingSettings.ParseOptionalDouble("FineTuneBeta", Beta, 0, 2),
                Wait = TrainingSettings.ParseBool("FineTuneWait", Wait, true),
                WaitTimeout = TrainingSettings.ParseDuration("FineTuneWaitTimeout", WaitTimeout, TrainingRequest.DefaultWaitTimeout),
                PollInterval = TrainingSettings.ParseDuration("FineTunePollInterval", PollInterval, TrainingRequest.DefaultPollInterval),
                Endpoint = Empty(Endpoint),
                Trainer = TrainingSettings.ParseTrainer(Trainer),
                TrainCommand = Empty(TrainCommand),
                PublishDirectory = Empty(PublishDirectory),
                ExampleLocator = CreateExampleLocator(),
            };
        }
        catch (TrainingException e)
        {
            // Parsing happens before the service (and its redaction) runs; these messages hold no key.
            var at = e.Location ?? Location.None;
            diagnostics.Report(e.Descriptor, at.File, at.Line, at.Column, e.Message);
            return false;
        }

        try
        {
            var result = TrainingService.RunAsync(request, log, diagnostics, _cancel.Token).GetAwaiter().GetResult();
            FineTunedModel = result.FineTunedModel;
            JobId = result.JobId;
            JobStatus = result.Status;
            return result.Succeeded && !Log.HasLoggedErrors;
        }
        catch (OperationCanceledException) when (_cancel.IsCancellationRequested)
        {
            Log.LogWarning("Publish was interrupted; any fine-tuning job keeps running, and the next publish resumes following it.");
            return false;
        }
    }

    /// <summary>
    /// Maps "Example N" to the dataset source through the source map the compiler writes beside each compiled file
    /// (&lt;obj&gt;/&lt;name&gt;.&lt;kind&gt;.sourcemap.tsv). Without a map the service points at line N of the compiled file.
    /// </summary>
    private ExampleLocator? CreateExampleLocator()
    {
        if (string.IsNullOrWhiteSpace(IntermediateDirectory))
        {
            return null;
        }

        return (number, kind) => SourceMap.Find(SourceMap.PathFor(IntermediateDirectory!, DatasetName, kind), number) is { } at
            ? new Location(at.File, at.Line, at.Column)
            : null;
    }

    private static string? Empty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    /// <summary>The training progress as MSBuild messages (diagnostics go through the collector).</summary>
    private sealed class MSBuildTrainingLog(TaskLoggingHelper log) : ITrainingLog
    {
        public void Message(TrainingImportance importance, string text) =>
            log.LogMessage(importance switch
            {
                TrainingImportance.High => MessageImportance.High,
                TrainingImportance.Normal => MessageImportance.Normal,
                _ => MessageImportance.Low,
            }, text);
    }
}
