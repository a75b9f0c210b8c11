using FineTune.Build.Examples;

namespace FineTune.Build.Rules;

/// <summary>
/// One independent check of one example. Rules run in parallel on different examples (each worker has its own
/// <see cref="RuleContext"/>), so a rule keeps no state between examples; dataset-wide checks live in
/// <see cref="IDatasetRule"/>.
/// </summary>
public interface IExampleRule
{
    void Check(Example example, RuleContext context);
}
