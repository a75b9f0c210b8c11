using FineTune.Build.Diagnostics;

namespace FineTune.Build.Rules;

/// <summary>FT4031: fewer training examples than the fine-tuning API accepts (said only when nothing else failed).</summary>
public sealed class TrainingMinimumRule : IDatasetRule
{
    public void Finish(DatasetRuleContext context)
    {
        var report = context.Report;
        var minimum = context.MinimumTrainingExamples;
        if (report.TrainTokens.Examples < minimum && !context.Diagnostics.HasErrors)
        {
            context.Diagnostics.Report(DiagnosticCodes.TooFewTrainingExamples, context.ProjectFile, 0, 0,
                $"The training file has {report.TrainTokens.Examples} example(s); the fine-tuning API needs at least {minimum}: add examples{(report.ValidationTokens.Examples > 0 ? " or lower FineTuneValidationFraction" : "")}.");
        }
    }
}
