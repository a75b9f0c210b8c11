using FineTune.Build.Diagnostics;

namespace FineTune.Build.Rules;

/// <summary>FT4030: conditional generation with fewer than the seed's <see cref="Minimum"/> examples.</summary>
public sealed class GenerationMinimumRule : IDatasetRule
{
    /// <summary>The seed's minimum for conditional generation.</summary>
    public const int Minimum = 500;

    public void Finish(DatasetRuleContext context)
    {
        var examples = context.Report.Examples;
        if (!context.IsClassification && examples > 0 && examples < Minimum)
        {
            context.Diagnostics.Report(DiagnosticCodes.FewGenerationExamples, context.ProjectFile, 0, 0,
                $"The dataset has {examples} example(s); conditional generation needs at least {Minimum} to train well: add examples (or set FineTuneTask=classification if it is one).");
        }
    }
}
