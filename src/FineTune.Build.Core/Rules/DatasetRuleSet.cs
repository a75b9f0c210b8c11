namespace FineTune.Build.Rules;

/// <summary>
/// Runs the dataset rules in a fixed order (which is the order of their diagnostics): each example through every
/// rule and then into the index, and once at the end.
/// </summary>
public sealed class DatasetRuleSet
{
    private readonly DatasetRuleContext _context;
    private readonly IReadOnlyList<IDatasetRule> _rules;

    public DatasetRuleSet(DatasetRuleContext context, IReadOnlyList<IDatasetRule>? rules = null)
    {
        _context = context;
        _rules = rules ?? Default;
    }

    /// <summary>Every dataset rule, in the order they report.</summary>
    public static IReadOnlyList<IDatasetRule> Default { get; } =
    [
        new DuplicateExampleRule(),
        new SplitLeakageRule(),
        new ConflictingLabelsRule(),
        new TrainingMinimumRule(),
        new ClassMinimumRule(),
        new GenerationMinimumRule(),
        new ImageExamplesPerFileRule(),
    ];

    public void Check(DatasetEntry entry)
    {
        // Indexed: a foreach over the interface boxes an enumerator per example.
        for (var i = 0; i < _rules.Count; i++)
        {
            _rules[i].Check(entry, _context);
        }

        _context.Index.Add(entry);
    }

    public void Finish()
    {
        foreach (var rule in _rules)
        {
            rule.Finish(_context);
        }
    }
}
