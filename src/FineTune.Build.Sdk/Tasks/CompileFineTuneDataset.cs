using System.Globalization;
using FineTune.Build.Compilation;
using FineTune.Build.Diagnostics;
using FineTune.Build.Output;
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

    public string? Parallelism { get; set; }

    public string? ModelCatalog { get; set; }

    public string? ModelFallback { get; set; }

    public string? Method { get; set; }

    public string? Epochs { get; set; }

    /// <summary>FineTuneLifecycleDate (yyyy-MM-dd): the day model shutdowns are judged on; default today.</summary>
    public string? LifecycleDate { get; set; }

    public string? ProjectFile { get; set; }

    public string? NoWarn { get; set; }

    public string? WarningsAsErrors { get; set; }

    public string? WarningsNotAsErrors { get; set; }

    public bool TreatWarningsAsErrors { get; set; }

    /// <summary>FineTuneMaxNestingDepth and the other reader limits (docs/reliability.md); empty means the default.</summary>
    public string? MaxNestingDepth { get; set; }

    public string? MaxAliases { get; set; }

    public string? MaxKeysPerObject { get; set; }

    public string? MaxMessagesPerExample { get; set; }

    public string? MaxValueBytes { get; set; }

    public string? MaxLineBytes { get; set; }

    public string? MaxExampleBytes { get; set; }

    public string? MaxExamplesPerFile { get; set; }

    /// <summary>FineTuneSecretAllow items: the fingerprint an FT6004 message printed, with Reason metadata.</summary>
    public ITaskItem[] SecretAllowances { get; set; } = [];

    /// <summary>FineTuneStepSummaryFile (default $GITHUB_STEP_SUMMARY): the compile appends &lt;name&gt;.summary.md to it.</summary>
    public string? StepSummaryFile { get; set; }

    /// <summary>The files written: train and (when the split has one) validation, with Kind metadata.</summary>
    [Output]
    public ITaskItem[] OutputFiles { get; set; } = [];

    public override bool Execute()
    {
        try
        {
            return ExecuteCore();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return TaskFailure.Log(Log, ex, ProjectFile, $"compiling {DatasetName}");
        }
    }

    private bool ExecuteCore()
    {
        var maxDiagnostics = ParseInt(MaxDiagnostics, 100);
        // Project-level findings go to the element the fix changes (ProjectFileLocator), so every error and warning
        // prints as file(line,col) and the problem matcher turns it into an annotation.
        var locator = string.IsNullOrWhiteSpace(ProjectFile) ? null : new ProjectFileLocator(ProjectFile);
        var diagnostics = new DiagnosticCollector(
            new DiagnosticPolicy(NoWarn, WarningsAsErrors, WarningsNotAsErrors, TreatWarningsAsErrors),
            diagnostic => Log.Log(diagnostic),
            maxDiagnostics)
        {
            Placement = locator is null ? null : locator.Place,
        };

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
        catch (Exception ex) when (OutputWriteException.IsFileSystemFailure(ex))
        {
            // A read-only obj/ or bin/, a full disk, or a file where the output folder should be: the user's to
            // fix, so one FT0006 that names the path, not FT0004 (a bug). Outputs were not replaced.
            Log.LogError(null, DiagnosticCodes.OutputNotWritable.Code, null, DiagnosticCodes.OutputNotWritable.HelpLink, (ex as OutputWriteException)?.OutputPath ?? ProjectFile, 0, 0, 0, 0,
                OutputFailureMessage(ex));
            return false;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Malformed input is always a located diagnostic; reaching here is a bug. Outputs were not replaced.
            Log.LogError(null, DiagnosticCodes.InternalError.Code, null, DiagnosticCodes.InternalError.HelpLink, ProjectFile, locator is null ? 0 : 1, locator is null ? 0 : 1, 0, 0,
                $"FineTune.Build failed unexpectedly ({ex.GetType().Name}: {ex.Message}). Please report it with the stack trace (build with -v:d).");
            Log.LogMessage(MessageImportance.Low, ex.ToString());
            return false;
        }

        AppendStepSummary();
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

        if (Log.HasLoggedErrors)
        {
            // MSBuild itself promoted a warning (-warnaserror, MSBuildWarningsAsErrors): the build fails, so the
            // outputs must not stay behind looking fresh, or the next build would skip the compile and pass.
            foreach (var output in result.OutputFiles)
            {
                File.Delete(output);
            }

            Log.LogMessage(MessageImportance.High, $"{DatasetName}: warnings treated as errors; no JSONL written.");
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
        Log.LogMessage(MessageImportance.High, CompileSettings.Summary(DatasetName, result, ProjectDirectory));
        return !Log.HasLoggedErrors;
    }

    /// <summary>The FT0006 message: what could not be written, why, and what to do.</summary>
    internal static string OutputFailureMessage(Exception ex) =>
        $"{ex.Message} Check that the output folders (OutputPath, IntermediateOutputPath) are writable, that the disk has room, and that no file or folder stands in the way of an output; then build again.";

    /// <summary>Appends the reviewer's summary to the CI step summary (pass or fail: a failure is when it matters).</summary>
    private void AppendStepSummary()
    {
        var summary = Path.Combine(OutputDirectory, DatasetName + ".summary.md");
        if (string.IsNullOrWhiteSpace(StepSummaryFile) || !File.Exists(summary))
        {
            return;
        }

        try
        {
            File.AppendAllText(StepSummaryFile, File.ReadAllText(summary) + "\n");
        }
        catch (IOException ex)
        {
            Log.LogMessage(MessageImportance.High, $"{DatasetName}: could not append the summary to {StepSummaryFile}: {ex.Message}");
        }
    }

    private CompileOptions? CreateOptions(DiagnosticCollector diagnostics)
    {
        var settings = new CompileSettings
        {
            // Normal importance: shown by the default console verbosity of a long build, hidden by -v:q.
            Progress = progress => Log.LogMessage(MessageImportance.Normal, $"{DatasetName}: {progress}"),
            ProjectDirectory = ProjectDirectory,
            ProjectFile = ProjectFile,
            OutputDirectory = OutputDirectory,
            IntermediateDirectory = IntermediateDirectory,
            DatasetName = DatasetName,
            Parallelism = Parallelism,
            BaseModel = BaseModel,
            Format = Format,
            Task = Task,
            Method = Method,
            FormattingMode = FormattingMode,
            PromptSeparator = PromptSeparator,
            StopSequence = StopSequence,
            ValidationFraction = ValidationFraction,
            SplitSeed = SplitSeed,
            ModelCatalog = ModelCatalog,
            ModelFallback = ModelFallback,
            Epochs = Epochs,
            LifecycleDate = LifecycleDate,
        };
        settings.Limits[ReaderLimits.PropertyNames.MaxNestingDepth] = MaxNestingDepth;
        settings.Limits[ReaderLimits.PropertyNames.MaxAliases] = MaxAliases;
        settings.Limits[ReaderLimits.PropertyNames.MaxKeysPerObject] = MaxKeysPerObject;
        settings.Limits[ReaderLimits.PropertyNames.MaxMessagesPerExample] = MaxMessagesPerExample;
        settings.Limits[ReaderLimits.PropertyNames.MaxValueBytes] = MaxValueBytes;
        settings.Limits[ReaderLimits.PropertyNames.MaxLineBytes] = MaxLineBytes;
        settings.Limits[ReaderLimits.PropertyNames.MaxExampleBytes] = MaxExampleBytes;
        settings.Limits[ReaderLimits.PropertyNames.MaxExamplesPerFile] = MaxExamplesPerFile;
        foreach (var allowance in SecretAllowances)
        {
            settings.SecretAllowances.Add((allowance.ItemSpec, allowance.GetMetadata("Reason")));
        }

        foreach (var item in Sources)
        {
            settings.Sources.Add((item.ItemSpec, MetadataNames.ToDictionary(name => name, name => (string?)item.GetMetadata(name))));
        }

        return settings.ToOptions(diagnostics);
    }

    private static readonly string[] MetadataNames = ["Format", "Split", "PromptTemplate", "CompletionTemplate", "SystemMessage", "UserTemplate", "AssistantTemplate"];

    private static int ParseInt(string? value, int fallback)
        => int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) ? parsed : fallback;
}
