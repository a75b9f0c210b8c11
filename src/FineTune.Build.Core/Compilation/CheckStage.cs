using FineTune.Build.Rules;

namespace FineTune.Build.Compilation;

/// <summary>
/// Check: the per-example rules (chat structure, reserved tokens, secrets) and, for a classifier, the label the
/// dataset rules compare. Stateless: one instance serves every worker.
/// </summary>
public sealed class CheckStage
{
    private static readonly IExampleRule[] Rules = [new ChatStructureRule(), new ReservedTokenRule(), new SecretRule()];

    private readonly bool _isClassification;

    public CheckStage(bool isClassification)
    {
        _isClassification = isClassification;
    }

    public void Check(CompiledExample item, RuleContext context)
    {
        foreach (var rule in Rules)
        {
            rule.Check(item.Example, context);
        }

        if (_isClassification)
        {
            item.Label = DatasetSurvey.LabelOf(item.Example.Body);
        }
    }
}
