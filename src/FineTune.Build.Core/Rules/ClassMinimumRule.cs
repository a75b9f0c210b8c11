using FineTune.Build.Diagnostics;

namespace FineTune.Build.Rules;

/// <summary>
/// Classification, per class in label order, at its first example: FT4020 when the label is not one token (it
/// cannot be read with max_tokens=1), FT4021 when the class has fewer than <see cref="Minimum"/> examples.
/// </summary>
public sealed class ClassMinimumRule : IDatasetRule
{
    /// <summary>The seed's minimum of examples for each class of a classifier.</summary>
    public const int Minimum = 100;

    public void Finish(DatasetRuleContext context)
    {
        if (!context.IsClassification)
        {
            return;
        }

        foreach (var (label, stats) in context.Report.Classes)
        {
            var (file, line, column) = stats.FirstSeen;
            if (!stats.SingleToken)
            {
                context.Diagnostics.Report(DiagnosticCodes.LabelNotSingleToken, file, line, column,
                    $"The label '{label}' is {stats.Tokens} tokens with its leading space, so it cannot be read with max_tokens=1: choose a single-token label (e.g. a short word or a number).");
            }

            if (stats.Total < Minimum)
            {
                context.Diagnostics.Report(DiagnosticCodes.FewExamplesPerClass, file, line, column,
                    $"The class '{label}' has {stats.Total} example(s); at least {Minimum} per class are recommended: add examples of it.");
            }
        }
    }
}
