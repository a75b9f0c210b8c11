using FineTune.Build.Diagnostics;

namespace FineTune.Build.Rules;

/// <summary>FT6002: the same prompt in the train and the validation file makes validation measure memory.</summary>
public sealed class SplitLeakageRule : IDatasetRule
{
    public void Check(DatasetEntry entry, DatasetRuleContext context)
    {
        if (context.Index.FirstWithPrompt(entry) is { } seen && seen.Validation != entry.Validation)
        {
            var here = entry.Location;
            context.Diagnostics.Report(DiagnosticCodes.SplitLeakage, here.File, here.Line, here.Column,
                $"The same prompt is in the {(entry.Validation ? "validation" : "train")} file and, at {seen.Where}, in the {(seen.Validation ? "validation" : "train")} file: validation would measure memory, not skill. Give both the same id, pin them with split:, or remove one.");
        }
    }
}
