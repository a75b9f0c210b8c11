using FineTune.Build.Diagnostics;
using FineTune.Build.Examples;
using FineTune.Build.Models;

namespace FineTune.Build.Compilation;

/// <summary>
/// Finds the base model in the catalog (with the project's overrides) and reports what a user must know before
/// training on it: unknown, retired, deprecated, new jobs ended, or not taking the project's format or method.
/// </summary>
public static class ModelResolution
{
    public static ModelLookupResult Resolve(CompileOptions options, DiagnosticCollector diagnostics)
    {
        var load = ModelCatalog.Load(options.ModelCatalogPath);
        foreach (var error in load.Errors)
        {
            diagnostics.Report(DiagnosticCodes.InvalidModelCatalog, error.File, error.Line, error.Column, error.Message);
        }

        var lookup = load.Catalog.Lookup(options.BaseModel, options.ModelFallback);
        if (string.IsNullOrWhiteSpace(options.BaseModel))
        {
            return lookup;
        }

        var model = options.BaseModel!;
        if (!lookup.IsKnown)
        {
            diagnostics.Report(DiagnosticCodes.UnknownModel, options.ProjectFile, 0, 0,
                $"The base model '{model}' is not in the model catalog: limits come from {(options.ModelFallback is null ? "the catalog's fallback" : $"FineTuneModelFallback '{options.ModelFallback}'")} ({lookup.Entry.Tokenizer}, {lookup.Entry.MaxExampleTokens} tokens per example). Check the name, or describe the model in a FineTuneModelCatalog file.");
            return lookup;
        }

        var assessment = load.Catalog.Assess(lookup.Entry, options.Today);
        var description = assessment.Describe(model);
        if (description is not null)
        {
            var descriptor = assessment.Status switch
            {
                ModelLifecycleStatus.Retired => DiagnosticCodes.ModelRetired,
                ModelLifecycleStatus.Deprecated => DiagnosticCodes.ModelDeprecated,
                _ => DiagnosticCodes.NewJobsEnd,
            };
            var source = assessment.Source ?? assessment.NewJobsEndSource;
            diagnostics.Report(descriptor, options.ProjectFile, 0, 0, description + (source is null ? "" : $" (source: {source})"));
        }

        return lookup;
    }

    /// <summary>The project's format: FineTuneFormat, else dpo's preference format, else the model's default.</summary>
    public static DatasetFormat? FormatFor(CompileOptions options, ModelLookupResult lookup)
    {
        if (options.Format is { } format)
        {
            return format;
        }

        if (string.Equals(options.Method, "dpo", StringComparison.OrdinalIgnoreCase))
        {
            return DatasetFormat.Preference;
        }

        return lookup.IsKnown ? DatasetFormats.Parse(lookup.Entry.DefaultFormat) : null;
    }

    public static void CheckSupport(CompileOptions options, ModelLookupResult lookup, DatasetFormat format, DiagnosticCollector diagnostics)
    {
        if (!lookup.IsKnown)
        {
            return;
        }

        var model = options.BaseModel!;
        if (!lookup.Entry.SupportsFormat(format.Name()))
        {
            diagnostics.Report(DiagnosticCodes.FormatNotSupported, options.ProjectFile, 0, 0,
                $"{model} does not train on the {format.Name()} format (it takes {string.Join(", ", lookup.Entry.Formats)}): change FineTuneFormat or FineTuneBaseModel.");
        }

        if (!string.IsNullOrWhiteSpace(options.Method) && !lookup.Entry.SupportsMethod(options.Method!))
        {
            diagnostics.Report(DiagnosticCodes.FormatNotSupported, options.ProjectFile, 0, 0,
                $"{model} does not support FineTuneMethod={options.Method} (it supports {string.Join(", ", lookup.Entry.Methods)}).");
        }
    }
}
