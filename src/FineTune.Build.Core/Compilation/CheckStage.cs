using FineTune.Build.Rules;

namespace FineTune.Build.Compilation;

/// <summary>
/// Check: the per-example rules (chat structure, reserved tokens, secrets) and, for a classifier, the label the
/// dataset rules compare. Stateless: one instance serves every worker.
/// </summary>
public sealed class CheckStage
{
    private readonly IExampleRule[] _rules;
    private readonly bool _isClassification;

    public CheckStage(bool isClassification, IReadOnlyList<SecretAllowance>? allowedSecrets = null)
    {
        _isClassification = isClassification;
        _rules = [new ChatStructureRule(), new ImageContentRule(), new ReservedTokenRule(), new SecretRule(allowedSecrets ?? [])];
    }

    public void Check(CompiledExample item, RuleContext context)
    {
        foreach (var rule in _rules)
        {
            rule.Check(item.Example, context);
        }

        if (_isClassification)
        {
            item.Label = DatasetSurvey.LabelOf(item.Example.Body);
        }
    }
}
