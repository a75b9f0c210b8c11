using FineTune.Build.Diagnostics;

namespace FineTune.Build.Rules;

/// <summary>FT4030: conditional or open-ended generation with fewer than the seed's <see cref="Minimum"/> examples.</summary>
public sealed class GenerationMinimumRule : IDatasetRule
{
    /// <summary>The seed's minimum for conditional generation.</summary>
    public const int Minimum = 500;

    public void Finish(DatasetRuleContext context)
    {
        var examples = context.Report.Examples;
        if (!context.IsClassification && examples > 0 && examples < Minimum)
        {
            // Open-ended datasets (every prompt empty) cannot be a classifier, so the hint names only what applies.
            var openEnded = context.Report.Task == "open-ended generation";
            context.Diagnostics.Report(DiagnosticCodes.FewGenerationExamples, context.ProjectFile, 0, 0, openEnded
                ? $"The dataset has {examples} example(s); open-ended generation needs at least {Minimum} to train well: add examples."
                : $"The dataset has {examples} example(s); conditional generation needs at least {Minimum} to train well: add examples (or set FineTuneTask=classification if it is one).");
        }
    }
}
