using FineTune.Build.Diagnostics;
using FineTune.Build.Sources;
using FineTune.Build.Training;
using FineTune.Build.Training.Evaluation;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace FineTune.Build.Tasks;

/// <summary>
/// Publish-time evaluation (SPEC 8, docs/evaluation.md). Thin: parses the properties, maps the log, and calls
/// <see cref="EvaluationService"/>. The API key is never a parameter: the service reads OPENAI_API_KEY (or
/// FINETUNE_EVALUATE_API_KEY for a separate endpoint) from the environment.
/// </summary>
public sealed class EvaluateFineTuneModel : Microsoft.Build.Utilities.Task, ICancelableTask
{
    private readonly CancellationTokenSource _cancel = new();

    [Required] public string ProjectDirectory { get; set; } = "";
    [Required] public string DatasetName { get; set; } = "";
    public string? ProjectFile { get; set; }
    public string? ValidationFile { get; set; }
    public string? TrainFile { get; set; }
    public string? ReportFile { get; set; }
    public string? HtmlReportFile { get; set; }
    public string? OutputDirectory { get; set; }
    public string? Task { get; set; }
    /// <summary>The model to evaluate (FineTuneEvaluateModel, else the model FineTuneTrain returned); empty: the lock file's.</summary>
    public string? Model { get; set; }
    public string? StopSequence { get; set; }
    public string? Endpoint { get; set; }
    public string? TrainingEndpoint { get; set; }
    public string? MinAccuracy { get; set; }
    public string? MinExactMatch { get; set; }
    public string? CompareTo { get; set; }
    public string? MaxRegression { get; set; }
    public string? Limit { get; set; }
    public string? Parallelism { get; set; }
    public string? MaxTokens { get; set; }

    public string? NoWarn { get; set; }
    public string? WarningsAsErrors { get; set; }
    public string? WarningsNotAsErrors { get; set; }
    public bool TreatWarningsAsErrors { get; set; }

    /// <summary>The primary metric (accuracy or exact match), invariant culture; empty when nothing was evaluated.</summary>
    [Output] public string? Score { get; set; }
    [Output] public string? EvalFile { get; set; }

    public void Cancel() => _cancel.Cancel();

    public override bool Execute()
    {
        var projectFile = string.IsNullOrWhiteSpace(ProjectFile) ? BuildEngine?.ProjectFileOfTaskNode : ProjectFile;
        var diagnostics = new DiagnosticCollector(
            new DiagnosticPolicy(NoWarn, WarningsAsErrors, WarningsNotAsErrors, TreatWarningsAsErrors),
            diagnostic => Log.Log(diagnostic, projectFile));
        EvaluationRequest request;
        try
        {
            request = new EvaluationRequest
            {
                ProjectDirectory = ProjectDirectory,
                DatasetName = DatasetName,
                ValidationFile = Empty(ValidationFile),
                TrainFile = Empty(TrainFile),
                ReportFile = Empty(ReportFile),
                HtmlReportFile = Empty(HtmlReportFile),
                OutputDirectory = Empty(OutputDirectory),
                Task = EvaluationSettings.ParseTask(Task),
                Model = Empty(Model),
                // The property is written with escapes (\n) as for the compiler; spaces are significant.
                StopSequence = string.IsNullOrEmpty(StopSequence) ? null : EscapeSequences.Unescape(StopSequence),
                Endpoint = Empty(Endpoint),
                TrainingEndpoint = Empty(TrainingEndpoint),
                MinAccuracy = EvaluationSettings.ParseFraction("FineTuneMinAccuracy", MinAccuracy),
                MinExactMatch = EvaluationSettings.ParseFraction("FineTuneMinExactMatch", MinExactMatch),
                CompareTo = Empty(CompareTo),
                MaxRegression = EvaluationSettings.ParseFraction("FineTuneMaxRegression", MaxRegression) ?? 0,
                Limit = EvaluationSettings.ParseCount("FineTuneEvaluateLimit", Limit, null, 1, int.MaxValue),
                Parallelism = EvaluationSettings.ParseCount("FineTuneEvaluateParallelism", Parallelism, 4, 1, 64)!.Value,
                MaxTokens = EvaluationSettings.ParseCount("FineTuneEvaluateMaxTokens", MaxTokens, 256, 1, 32768)!.Value,
            };
        }
        catch (TrainingException e)
        {
            var at = e.Location ?? Location.None;
            diagnostics.Report(e.Descriptor, at.File, at.Line, at.Column, e.Message);
            return false;
        }

        try
        {
            var result = EvaluationService.RunAsync(request, new MSBuildLog(Log), diagnostics, _cancel.Token).GetAwaiter().GetResult();
            Score = result.Report?.PrimaryValue.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
            EvalFile = result.EvalFile;
            return result.Succeeded && !Log.HasLoggedErrors;
        }
        catch (OperationCanceledException)
        {
            Log.LogWarning("Publish was interrupted during evaluation; results measured so far are not recorded.");
            return false;
        }
    }

    private static string? Empty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    private sealed class MSBuildLog(TaskLoggingHelper log) : ITrainingLog
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
