using FineTune.Build.Diagnostics;
using FineTune.Build.Reports;

namespace FineTune.Build.Rules;

/// <summary>What a dataset rule may read (the task, the examples so far, the dataset's figures) and where it reports.</summary>
public sealed class DatasetRuleContext
{
    public DatasetRuleContext(DiagnosticCollector diagnostics, bool isClassification, DatasetReport report, int minimumTrainingExamples, string? projectFile, int expectedExamples = 0)
    {
        Index = new ExampleIndex(expectedExamples);
        Diagnostics = diagnostics;
        IsClassification = isClassification;
        Report = report;
        MinimumTrainingExamples = minimumTrainingExamples;
        ProjectFile = projectFile;
    }

    public DiagnosticCollector Diagnostics { get; }

    public bool IsClassification { get; }

    /// <summary>The first example with each output and each prompt, before the one being checked.</summary>
    public ExampleIndex Index { get; }

    /// <summary>The figures of the compile: complete when <see cref="IDatasetRule.Finish"/> runs.</summary>
    public DatasetReport Report { get; }

    /// <summary>The fine-tuning API's minimum of training examples for the model.</summary>
    public int MinimumTrainingExamples { get; }

    /// <summary>Examples with images so far in the train file [0] and the validation file [1] (<see cref="ImageExamplesPerFileRule"/>).</summary>
    public int[] ImageExamples { get; } = new int[2];

    /// <summary>Where dataset-wide diagnostics without an example point.</summary>
    public string? ProjectFile { get; }
}
