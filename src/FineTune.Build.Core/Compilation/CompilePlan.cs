using FineTune.Build.Diagnostics;
using FineTune.Build.Examples;
using FineTune.Build.Models;

namespace FineTune.Build.Compilation;

/// <summary>
/// What must be known before any example is written: the model (and its catalog entry), the format, the task and
/// the validation fraction. Settings decide where they can; the rest comes from a survey of the sources.
/// </summary>
public sealed class CompilePlan
{
    private CompilePlan(ModelLookupResult lookup, DatasetFormat format, DatasetTask task, double validationFraction, string modelName, int expectedExamples)
    {
        ExpectedExamples = expectedExamples;
        Lookup = lookup;
        Format = format;
        Task = task;
        ValidationFraction = validationFraction;
        ModelName = modelName;
    }

    public ModelLookupResult Lookup { get; }

    /// <summary>The catalog entry whose tokenizer, limits and price apply.</summary>
    public ModelEntry Model => Lookup.Entry;

    /// <summary>The name the project gave (FineTuneBaseModel), for messages.</summary>
    public string ModelName { get; }

    public DatasetFormat Format { get; }

    public DatasetTask Task { get; }

    public bool IsClassification => Task == DatasetTask.Classification;

    public double ValidationFraction { get; }

    /// <summary>The examples the survey counted (0 when the settings made a survey unnecessary, or it saw only the first records).</summary>
    public int ExpectedExamples { get; }

    /// <summary>
    /// Resolves the model (reporting its lifecycle and support) and decides format and task; calls
    /// <paramref name="survey"/> (which reads the sources) only when the settings leave format or task open.
    /// <paramref name="modelResolved"/> hears the model first, so its tokenizer can load meanwhile.
    /// </summary>
    public static CompilePlan Resolve(CompileOptions options, DiagnosticCollector diagnostics, Func<DatasetSurvey> survey, Action<ModelEntry>? modelResolved = null)
    {
        var lookup = ModelResolution.Resolve(options, diagnostics);
        modelResolved?.Invoke(lookup.Entry);
        var format = ModelResolution.FormatFor(options, lookup);
        DatasetSurvey? surveyed = null;
        if (format is null || options.Task is null)
        {
            surveyed = survey();
            format ??= surveyed.FirstFormat ?? DatasetFormat.Chat;
        }

        ModelResolution.CheckSupport(options, lookup, format.Value, diagnostics);
        var task = options.Task ?? surveyed!.InferredTask;
        var fraction = options.ValidationFraction ?? (task == DatasetTask.Classification ? 0.2 : 0.0);
        var modelName = string.IsNullOrWhiteSpace(options.BaseModel) ? "the default model" : options.BaseModel!;
        return new CompilePlan(lookup, format.Value, task, fraction, modelName, surveyed is { Complete: true } ? surveyed.ExampleCount : 0);
    }
}
