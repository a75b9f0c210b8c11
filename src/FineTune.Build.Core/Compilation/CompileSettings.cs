using System.Globalization;
using FineTune.Build.Diagnostics;
using FineTune.Build.Examples;
using FineTune.Build.Rules;
using FineTune.Build.Sources;

namespace FineTune.Build.Compilation;

/// <summary>
/// The project's settings as text, the way MSBuild properties and command-line options give them, and their
/// validation into <see cref="CompileOptions"/>. Shared by the MSBuild task and the finetune CLI, so both accept
/// exactly the same values and report the same FT0001 errors.
/// </summary>
public sealed class CompileSettings
{
    /// <summary>Progress of a long compile (see <see cref="CompileOptions.Progress"/>).</summary>
    public Action<CompileProgress>? Progress { get; init; }

    public string ProjectDirectory { get; set; } = Directory.GetCurrentDirectory();

    public string? ProjectFile { get; set; }

    public required string OutputDirectory { get; set; }

    public string? IntermediateDirectory { get; set; }

    public required string DatasetName { get; set; }

    public string? BaseModel { get; set; }

    public string? Format { get; set; }

    public string? Task { get; set; }

    public string? Method { get; set; }

    public string? FormattingMode { get; set; }

    public string? PromptSeparator { get; set; }

    public string? StopSequence { get; set; }

    public string? ValidationFraction { get; set; }

    public string? SplitSeed { get; set; }

    public string? ModelCatalog { get; set; }

    public string? ModelFallback { get; set; }

    public string? Epochs { get; set; }

    /// <summary>FineTuneCompileParallelism: worker threads for checks and token counts; empty or 0 for one per core.</summary>
    public string? Parallelism { get; set; }

    public string? LifecycleDate { get; set; }

    public bool WriteReports { get; set; } = true;

    /// <summary>The reader limits as text, keyed by property name (FineTuneMaxNestingDepth, ...; see <see cref="ReaderLimits.PropertyNames"/>).</summary>
    public Dictionary<string, string?> Limits { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// FineTuneSecretAllow items: the fingerprint FT6004 printed for a reviewed occurrence (item spec) and its Reason
    /// metadata. A fingerprint is <c>sha256:</c> and 16 hex digits.
    /// </summary>
    public List<(string Fingerprint, string? Reason)> SecretAllowances { get; } = [];

    /// <summary>Each source with its metadata (Format, Split, templates) as text.</summary>
    public List<(string Path, IReadOnlyDictionary<string, string?> Metadata)> Sources { get; } = [];

    /// <summary>Validates the settings; null (with FT0001 errors reported at the project file) when any is invalid.</summary>
    public CompileOptions? ToOptions(DiagnosticCollector diagnostics)
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
                "open-ended-generation" or "open-ended" or "openendedgeneration" => DatasetTask.OpenEndedGeneration,
                _ => null,
            };
            ok &= Check(task is not null, "FineTuneTask", Task, "classification, generation, open-ended-generation or auto");
        }

        var mode = Rules.FormattingMode.Append;
        if (!string.IsNullOrWhiteSpace(FormattingMode))
        {
            ok &= Check(Enum.TryParse(FormattingMode!.Trim(), ignoreCase: true, out mode) && Enum.IsDefined(mode), "FineTuneFormattingMode", FormattingMode, "Append or Strict");
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

        var parallelism = Environment.ProcessorCount;
        if (!string.IsNullOrWhiteSpace(Parallelism))
        {
            var parsed = int.TryParse(Parallelism, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= 0 && value <= 256;
            ok &= Check(parsed, "FineTuneCompileParallelism", Parallelism, "a whole number from 1 to 256, or 0 for one worker per core");
            parallelism = value > 0 ? value : parallelism;
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

        var limits = ReaderLimits.Parse(Limits.GetValueOrDefault, (name, value, expected) => ok &= Check(false, name, value, expected));

        var allowances = new List<SecretAllowance>();
        foreach (var (fingerprint, reason) in SecretAllowances)
        {
            var trimmed = fingerprint?.Trim() ?? "";
            if (Check(System.Text.RegularExpressions.Regex.IsMatch(trimmed, "^sha256:[0-9a-fA-F]{16}$"), "FineTuneSecretAllow", fingerprint,
                "the fingerprint an FT6004 message printed (sha256: and 16 hex digits)"))
            {
                allowances.Add(new SecretAllowance(trimmed, string.IsNullOrWhiteSpace(reason) ? null : reason!.Trim()));
            }
            else
            {
                ok = false;
            }
        }

        var sources = new List<SourceFile>();
        foreach (var (path, metadata) in Sources)
        {
            var split = metadata.GetValueOrDefault("Split");
            var pin = SplitPin.None;
            if (!string.IsNullOrWhiteSpace(split))
            {
                pin = split!.Trim().ToLowerInvariant() switch
                {
                    "train" => SplitPin.Train,
                    "validation" => SplitPin.Validation,
                    _ => SplitPin.None,
                };
                ok &= Check(pin != SplitPin.None, $"Split metadata of {path}", split, "train or validation");
            }

            sources.Add(new SourceFile(System.IO.Path.GetFullPath(System.IO.Path.Combine(ProjectDirectory, path)))
            {
                Format = Value(metadata, "Format"),
                Split = pin,
                PromptTemplate = Value(metadata, "PromptTemplate"),
                CompletionTemplate = Value(metadata, "CompletionTemplate"),
                SystemMessage = Value(metadata, "SystemMessage"),
                UserTemplate = Value(metadata, "UserTemplate"),
                AssistantTemplate = Value(metadata, "AssistantTemplate"),
                Limits = limits,
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
            ModelCatalogPath = string.IsNullOrWhiteSpace(ModelCatalog) ? null : System.IO.Path.GetFullPath(System.IO.Path.Combine(ProjectDirectory, ModelCatalog!.Trim())),
            Method = string.IsNullOrWhiteSpace(Method) ? null : Method!.Trim().ToLowerInvariant(),
            ModelFallback = string.IsNullOrWhiteSpace(ModelFallback) ? null : ModelFallback!.Trim(),
            Epochs = epochs,
            Parallelism = parallelism,
            Today = today,
            AllowedSecrets = allowances,
            WriteReports = WriteReports,
            Progress = Progress,
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

    private static string? Value(IReadOnlyDictionary<string, string?> metadata, string name)
        => metadata.TryGetValue(name, out var value) && !string.IsNullOrEmpty(value) ? value : null;

    /// <summary>The one summary line of a compile (SPEC 5).</summary>
    public static string Summary(string datasetName, CompileResult result, string projectDirectory)
    {
        var report = result.Report!;
        var tokens = report.TrainTokens.Total + report.ValidationTokens.Total;
        var parts = new List<string>
        {
            $"{result.ExampleCount} example(s) ({result.TrainCount} train, {result.ValidationCount} validation)",
            result.Format.Name(),
            result.Task switch
            {
                DatasetTask.Classification => $"classification, {result.ClassCount} class(es)",
                DatasetTask.OpenEndedGeneration => "open-ended generation",
                _ => "generation",
            },
            string.Create(CultureInfo.InvariantCulture, $"{tokens:#,0} tokens"),
            string.Create(CultureInfo.InvariantCulture, $"~{report.BilledTokens:#,0} billed tokens at {report.Epochs} epoch(s)"),
            report.EstimatedCost is { } cost ? string.Create(CultureInfo.InvariantCulture, $"est. ${cost:0.00}") : "cost unknown",
        };
        var relative = Path.GetRelativePath(projectDirectory, result.TrainPath);
        return $"{datasetName}: {string.Join(", ", parts)} -> {relative}";
    }
}
