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

    public void Assign(CompiledExample item)
    {
        item.Bytes = CanonicalJsonWriter.ToBytes(item.Example.Body);
        item.Validation = _split.IsValidation(item.Identity ?? item.Example.BytesBeforeFixes ?? item.Bytes, item.Example.Split);
        item.Entry = new DatasetEntry(item.Example, item.Bytes, item.Validation, item.Label);
    }
}
