using FineTune.Build.Diagnostics;

namespace FineTune.Build.Rules;

/// <summary>FT6001: an exact duplicate of an earlier example (the same output bytes) weighs it twice.</summary>
public sealed class DuplicateExampleRule : IDatasetRule
{
    public void Check(DatasetEntry entry, DatasetRuleContext context)
    {
        if (context.Index.FirstWithContent(entry) is { } first)
        {
            var here = entry.Location;
            context.Diagnostics.Report(DiagnosticCodes.DuplicateExample, here.File, here.Line, here.Column,
                $"This example is an exact duplicate of the one at {first}: remove one copy (duplicates weigh an example twice).");
        }
    }
}
