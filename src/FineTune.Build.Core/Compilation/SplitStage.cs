using FineTune.Build.Output;
using FineTune.Build.Rules;

namespace FineTune.Build.Compilation;

/// <summary>
/// Split: the output bytes, the file they go to (from the split identity and FineTuneSplitSeed alone), and the
/// keys the dataset rules compare. Stateless per example, so any worker may run it.
/// </summary>
public sealed class SplitStage
{
    private readonly SplitAssigner _split;

    public SplitStage(SplitAssigner split)
    {
        _split = split;
    }

    internal void Assign(CompiledExample item, OutputArena? arena)
    {
        var serialized = CanonicalJsonWriter.Serialize(item.Example.Body);
        item.Bytes = arena is null ? serialized.ToArray() : arena.Copy(serialized);
        var bytes = item.Bytes.Span;
        item.Validation = _split.IsValidation(item.Identity ?? item.Example.BytesBeforeFixes ?? bytes, item.Example.Split);
        item.Entry = new DatasetEntry(item.Example, bytes, item.Validation, item.Label);
    }
}
