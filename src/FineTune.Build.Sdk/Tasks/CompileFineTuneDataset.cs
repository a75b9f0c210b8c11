using System.Globalization;
using FineTune.Build.Compilation;
using FineTune.Build.Diagnostics;
using FineTune.Build.Examples;
using FineTune.Build.Rules;
using FineTune.Build.Sources;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace FineTune.Build.Tasks;

/// <summary>
/// Compiles the project's FineTuneSource items into validated JSONL. A thin shell: it turns properties and item
/// metadata into <see cref="CompileOptions"/>, runs the core <see cref="DatasetCompiler"/>, and logs its
/// diagnostics as MSBuild errors and warnings at their source file, line and column.
/// </summary>
public sealed class CompileFineTuneDataset : Microsoft.Build.Utilities.Task
{
    [Required]
    public ITaskItem[] Sources { get; set; } = [];

    [Required]
    public string ProjectDirectory { get; set; } = "";

    [Required]
    public string OutputDirectory { get; set; } = "";

    [Required]
    public string DatasetName { get; set; } = "";

    public string? IntermediateDirectory { get; set; }

    public string? BaseModel { get; set; }

    public string? Format { get; set; }

    public string? Task { get; set; }

    public string? FormattingMode { get; set; }

    public string? PromptSeparator { get; set; }

    public string? StopSequence { get; set; }

    public string? ValidationFraction { get; set; }

    public string? SplitSeed { get; set; }

    public string? MaxDiagnostics { get; set; }

    public string? ModelCatalog { get; set; }

    public string? Method { get; set; }

    public string? Epochs { get; set; }

    /// <summary>FineTuneLifecycleDate (yyyy-MM-dd): the day model shutdowns are judged on; default today.</summary>
    public string? LifecycleDate { get; set; }

    public string? ProjectFile { get; set; }

    public string? NoWarn { get; set; }

    public string? WarningsAsErrors { get; set; }

    public string? WarningsNotAsErrors { get; set; }

    public bool TreatWarningsAsErrors { get; set; }

    /// <summary>The files written: train and (when the split has one) validation, with Kind metadata.</summary>
    [Output]
    public ITaskItem[] OutputFiles { get; set; } = [];

    public override bool Execute()
    {
        var maxDiagnostics = ParseInt(MaxDiagnostics, 100);
        var diagnostics = new DiagnosticCollector(
            new DiagnosticPolicy(NoWarn, WarningsAsErrors, WarningsNotAsErrors, TreatWarningsAsErrors),
            diagnostic => Log.Log(diagnostic),
            maxDiagnostics);

        var options = CreateOptions(diagnostics);
        if (options is null)
        {
            return false;
        }

        CompileResult result;
        try
        {
            result = new DatasetCompiler(options, diagnostics).Compile();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Malformed input is always a located diagnostic; reaching here is a bug. Outputs were not replaced.
            Log.LogError(null, DiagnosticCodes.InternalError.Code, null, ProjectFile, 0, 0, 0, 0,
                $"FineTune.Build failed unexpectedly ({ex.GetType().Name}: {ex.Message}). Please report it with the stack trace (build with -v:d).");
            Log.LogMessage(MessageImportance.Low, ex.ToString());
            return false;
        }

        if (diagnostics.NotReportedCount > 0)
        {
            Log.LogMessage(null, DiagnosticCodes.DiagnosticsCapped.Code, null, null, 0, 0, 0, 0, MessageImportance.High,
                $"{DiagnosticCodes.DiagnosticsCapped.Code}: {diagnostics.NotReportedCount} more error(s) and warning(s) not shown (FineTuneMaxDiagnostics={maxDiagnostics}).");
        }

        if (!result.Succeeded)
        {
            Log.LogMessage(MessageImportance.High,
                $"{DatasetName}: {diagnostics.ErrorCount} error(s) in the dataset; no JSONL written. Fix them and build again.");
            return false;
        }

        OutputFiles = result.OutputFiles
            .Select(path =>
            {
                var item = new TaskItem(path);
                item.SetMetadata("Kind", path == result.ValidationPath ? "validation" : "train");
                return (ITaskItem)item;
            })
            .ToArray();
        Log.LogMessage(MessageImportance.High, Summary(result));
        return !Log.HasLoggedErrors;
    }

    private string Summary(CompileResult result)
    {
        var report = result.Report!;
        var tokens = report.TrainTokens.Total + report.ValidationTokens.Total;
        var parts = new List<string>
        {
            $"{result.ExampleCount} example(s) ({result.TrainCount} train, {result.ValidationCount} validation)",
            result.Format.Name(),
            result.Task == DatasetTask.Classification ? $"classification, {result.ClassCount} class(es)" : "generation",
            string.Create(CultureInfo.InvariantCulture, $"{tokens:#,0} tokens"),
            string.Create(CultureInfo.InvariantCulture, $"~{report.BilledTokens:#,0} billed tokens at {report.Epochs} epoch(s)"),
            report.EstimatedCost is { } cost ? string.Create(CultureInfo.InvariantCulture, $"est. ${cost:0.00}") : "cost unknown",
        };
        var relative = Path.GetRelativePath(ProjectDirectory, result.TrainPath);
        return $"{DatasetName}: {string.Join(", ", parts)} -> {relative}";
    }

    private CompileOptions? CreateOptions(DiagnosticCollector diagnostics)
    {
        var ok = true;
        DatasetFormat? format = null;
        if (!string.IsNullOrWhiteSpace(Format))
        {
            format = DatasetFormats.Parse(Format);
            ok &= Check(format is not null, "FineTuneFormat", Format, "completion, chat or preference");
        }

        DatasetTask? task = null;
        if (!string.IsNullOrWhiteSpace(Task) && !string.Equals(Task, "auto", StringComparison.OrdinalIgnoreCase))
        {
            task = Task!.Trim().ToLowerInvariant() switch
            {
                "classification" => DatasetTask.Classification,
                "generation" or "conditional-generation" or "conditionalgeneration" => DatasetTask.Generation,
                _ => null,
            };
            ok &= Check(task is not null, "FineTuneTask", Task, "classification, generation or auto");
        }

        var mode = Rules.FormattingMode.Append;
        if (!string.IsNullOrWhiteSpace(FormattingMode))
        {
            ok &= Check(Enum.TryParse(FormattingMode!.Trim(), ignoreCase: true, out mode), "FineTuneFormattingMode", FormattingMode, "Append or Strict");
        }

        double? fraction = null;
        if (!string.IsNullOrWhiteSpace(ValidationFraction))
        {
            var parsed = double.TryParse(ValidationFraction, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value >= 0 && value <= 0.5;
            ok &= Check(parsed, "FineTuneValidationFraction", ValidationFraction, "a number from 0 to 0.5");
            fraction = value;
        }

        int? epochs = null;
        if (!string.IsNullOrWhiteSpace(Epochs) && !string.Equals(Epochs, "auto", StringComparison.OrdinalIgnoreCase))
        {
            var parsed = int.TryParse(Epochs, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= 1 && value <= 50;
            ok &= Check(parsed, "FineTuneEpochs", Epochs, "a whole number from 1 to 50, or auto");
            epochs = value;
        }

        if (!string.IsNullOrWhiteSpace(Method))
        {
            ok &= Check(Method!.Trim().ToLowerInvariant() is "supervised" or "dpo", "FineTuneMethod", Method, "supervised or dpo");
        }

        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        if (!string.IsNullOrWhiteSpace(LifecycleDate))
        {
            ok &= Check(DateOnly.TryParseExact(LifecycleDate!.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out today),
                "FineTuneLifecycleDate", LifecycleDate, "a date as yyyy-MM-dd");
        }

        var sources = new List<SourceFile>();
        foreach (var item in Sources)
        {
            var split = item.GetMetadata("Split");
            var pin = SplitPin.None;
            if (!string.IsNullOrWhiteSpace(split))
            {
                pin = split.Trim().ToLowerInvariant() switch
                {
                    "train" => SplitPin.Train,
                    "validation" => SplitPin.Validation,
                    _ => SplitPin.None,
                };
                ok &= Check(pin != SplitPin.None, $"Split metadata of {item.ItemSpec}", split, "train or validation");
            }

            sources.Add(new SourceFile(Path.GetFullPath(Path.Combine(ProjectDirectory, item.ItemSpec)))
            {
                Format = Metadata(item, "Format"),
                Split = pin,
                PromptTemplate = Metadata(item, "PromptTemplate"),
                CompletionTemplate = Metadata(item, "CompletionTemplate"),
                SystemMessage = Metadata(item, "SystemMessage"),
                UserTemplate = Metadata(item, "UserTemplate"),
                AssistantTemplate = Metadata(item, "AssistantTemplate"),
            });
        }

        if (!ok)
        {
            return null;
        }

        // Sorted by path so the output order does not depend on how the file system lists a folder.
        sources.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        return new CompileOptions
        {
            Sources = sources,
            OutputDirectory = OutputDirectory,
            IntermediateDirectory = string.IsNullOrWhiteSpace(IntermediateDirectory) ? null : IntermediateDirectory,
            DatasetName = DatasetName,
            BaseModel = string.IsNullOrWhiteSpace(BaseModel) ? null : BaseModel!.Trim(),
            Format = format,
            Task = task,
            Formatting = new FormattingOptions(mode, EscapeSequences.Unescape(PromptSeparator ?? "\\n\\n###\\n\\n"), EscapeSequences.Unescape(StopSequence ?? " END")),
            ValidationFraction = fraction,
            SplitSeed = string.IsNullOrWhiteSpace(SplitSeed) ? "0" : SplitSeed!.Trim(),
            ProjectFile = string.IsNullOrWhiteSpace(ProjectFile) ? null : ProjectFile,
            ProjectDirectory = ProjectDirectory,
            ModelCatalogPath = string.IsNullOrWhiteSpace(ModelCatalog) ? null : Path.GetFullPath(Path.Combine(ProjectDirectory, ModelCatalog!.Trim())),
            Method = string.IsNullOrWhiteSpace(Method) ? null : Method!.Trim().ToLowerInvariant(),
            Epochs = epochs,
            Today = today,
        };

        bool Check(bool valid, string name, string? value, string expected)
        {
            if (!valid)
            {
                diagnostics.Report(DiagnosticCodes.InvalidSetting, ProjectFile, 0, 0, $"{name} is '{value}', which is not valid: use {expected}.");
            }

            return valid;
        }
    }

    private static string? Metadata(ITaskItem item, string name)
    {
        var value = item.GetMetadata(name);
        return string.IsNullOrEmpty(value) ? null : value;
    }

    private static int ParseInt(string? value, int fallback)
        => int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) ? parsed : fallback;
}
