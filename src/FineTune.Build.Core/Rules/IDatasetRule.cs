namespace FineTune.Build.Rules;

/// <summary>
/// A check that needs the whole dataset. <see cref="Check"/> sees every example in output order (one thread, after
/// the per-example rules), <see cref="Finish"/> runs once after the last. Results never depend on threading.
/// </summary>
public interface IDatasetRule
{
    /// <summary>Checks one example against those before it (<see cref="DatasetRuleContext.Index"/>).</summary>
    void Check(DatasetEntry entry, DatasetRuleContext context)
    {
    }

    /// <summary>Checks the dataset's figures (<see cref="DatasetRuleContext.Report"/>) once every example is in.</summary>
    void Finish(DatasetRuleContext context)
    {
    }
}
