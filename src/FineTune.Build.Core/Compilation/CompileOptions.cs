using FineTune.Build.Examples;
using FineTune.Build.Rules;
using FineTune.Build.Sources;

namespace FineTune.Build.Compilation;

/// <summary>What a dataset compile needs: the sources and the project's settings (already parsed and validated).</summary>
public sealed class CompileOptions
{
    public required IReadOnlyList<SourceFile> Sources { get; init; }

    /// <summary>Folder of the outputs (FineTuneOutputPath).</summary>
    public required string OutputDirectory { get; init; }

    /// <summary>FineTuneDatasetName: outputs are &lt;name&gt;.train.jsonl, &lt;name&gt;.validation.jsonl, ...</summary>
    public required string DatasetName { get; init; }

    /// <summary>Where the source maps (output line to source line) go; null for none.</summary>
    public string? IntermediateDirectory { get; init; }

    public string? BaseModel { get; init; }

    /// <summary>FineTuneFormat; null to take it from the base model, or else from the first example.</summary>
    public DatasetFormat? Format { get; init; }

    /// <summary>FineTuneTask; null to infer it as the seed's prepare_data tool does.</summary>
    public DatasetTask? Task { get; init; }

    public FormattingOptions Formatting { get; init; } = FormattingOptions.Default;

    /// <summary>FineTuneValidationFraction; null for the default (0.2 for classification, else 0).</summary>
    public double? ValidationFraction { get; init; }

    public string SplitSeed { get; init; } = "0";
}

/// <summary>FineTuneTask.</summary>
public enum DatasetTask
{
    Generation,
    Classification,
}
