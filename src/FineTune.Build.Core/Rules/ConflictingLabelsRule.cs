using FineTune.Build.Diagnostics;

namespace FineTune.Build.Rules;

/// <summary>FT4022 (classification): one prompt labelled two ways.</summary>
public sealed class ConflictingLabelsRule : IDatasetRule
{
    public void Check(DatasetEntry entry, DatasetRuleContext context)
    {
        if (!context.IsClassification || entry.Label is not { } label || context.Index.FirstWithPrompt(entry) is not { Label: { } earlier } seen)
        {
            return;
        }

        if (!string.Equals(label.Trim(), earlier.Trim(), StringComparison.Ordinal))
        {
            var here = entry.Location;
            context.Diagnostics.Report(DiagnosticCodes.ConflictingLabels, here.File, here.Line, here.Column,
                $"This prompt is labelled '{label.Trim()}' here and '{earlier.Trim()}' at {seen.Where}: one prompt needs one label. Fix the wrong one.");
        }
    }
}
