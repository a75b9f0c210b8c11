using FineTune.Build.Rules;

namespace FineTune.Build.Compilation;

/// <summary>
/// Count: the example's tokens with the worker's tokenizer, and the model's per-example limit. Runs after the
/// fixes and the other checks, so it counts what is uploaded and reports after them.
/// </summary>
public sealed class CountStage
{
    private static readonly TokenLimitRule Limit = new();

    public void Count(CompiledExample item, RuleContext context)
    {
        Limit.Check(item.Example, context);
        item.Tokens = context.TokenCount;
    }
}
