using FineTune.Build.Models;
using FineTune.Build.Rules;
using FineTune.Build.Tokens;

namespace FineTune.Build.Compilation;

/// <summary>
/// The independent part of compiling one example: check, count and split. A worker owns one tokenizer, kept warm
/// (its cache of words) for every example it is given; workers run on any thread, one example at a time each.
/// </summary>
public sealed class ExampleWorker
{
    private readonly CheckStage _check;
    private readonly CountStage _count;
    private readonly SplitStage _split;
    private readonly ModelEntry _model;
    private readonly string _modelName;
    private readonly Func<TokenCounter> _tokens;
    private readonly StageTimings? _timings;

    public ExampleWorker(CompilePlan plan, CheckStage check, CountStage count, SplitStage split, StageTimings? timings = null)
    {
        _timings = timings;
        _check = check;
        _count = count;
        _split = split;
        _model = plan.Model;
        _modelName = plan.ModelName;
        var tokens = TokenCounter.Create(plan.Model.Tokenizer);
        _tokens = () => tokens;
    }

    public void Process(CompiledExample item)
    {
        var context = new RuleContext(_model, _modelName, _tokens);
        if (_timings is null)
        {
            _check.Check(item, context);
            _count.Count(item, context);
            Finish(item, context);
            return;
        }

        var start = System.Diagnostics.Stopwatch.GetTimestamp();
        _check.Check(item, context);
        start = _timings.Add(CompileStage.Check, start);
        _count.Count(item, context);
        start = _timings.Add(CompileStage.Count, start);
        Finish(item, context);
        _timings.Add(CompileStage.Split, start);
    }

    private void Finish(CompiledExample item, RuleContext context)
    {
        item.Diagnostics = context.Pending.ToArray();
        item.Waived = context.Waived.Count == 0 ? [] : context.Waived.ToArray();
        _split.Assign(item);
    }
}
