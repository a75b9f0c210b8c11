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

    /// <summary>A worker on its own (tools, fuzzing): each example's output bytes get an array of their own.</summary>
    public ExampleWorker(CompilePlan plan, CheckStage check, CountStage count, SplitStage split, StageTimings? timings = null)
        : this(plan, check, count, split, blocks: null, timings)
    {
    }

    /// <summary>A worker of a compile: output bytes go in blocks of <paramref name="blocks"/>, handed over per batch.</summary>
    internal ExampleWorker(CompilePlan plan, CheckStage check, CountStage count, SplitStage split, OutputBlocks? blocks, StageTimings? timings = null)
    {
        Arena = blocks is null ? null : new OutputArena(blocks);
        _timings = timings;
        _check = check;
        _count = count;
        _split = split;
        _model = plan.Model;
        _modelName = plan.ModelName;
        var tokens = TokenCounter.Create(plan.Model.Tokenizer);
        _tokens = () => tokens;
    }

    /// <summary>Where this worker puts output bytes; its blocks go to the batch when the worker is done with it.</summary>
    internal OutputArena? Arena { get; }

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
        _split.Assign(item, Arena);
    }
}
