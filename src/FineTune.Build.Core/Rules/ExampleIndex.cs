using FineTune.Build.Examples;

namespace FineTune.Build.Rules;

/// <summary>
/// The examples checked so far, kept as 128-bit keys and locations (never the examples themselves): the first
/// example with each output and with each prompt. Shared by the dataset rules so each key is stored once.
/// </summary>
public sealed class ExampleIndex
{
    private readonly Dictionary<Hash128, ExampleLocation> _contents;
    private readonly Dictionary<Hash128, PromptSeen> _prompts;

    /// <param name="expectedExamples">
    /// How many examples are coming, when known (an inferred task's survey counts them): sized once, the tables
    /// never leave a trail of outgrown large arrays for the GC (a million examples: about 100 MB of them).
    /// </param>
    public ExampleIndex(int expectedExamples = 0)
    {
        _contents = new Dictionary<Hash128, ExampleLocation>(expectedExamples);
        _prompts = new Dictionary<Hash128, PromptSeen>(expectedExamples);
    }

    /// <summary>Makes room for <paramref name="examples"/> in all, once the count can be estimated.</summary>
    public void EnsureCapacity(int examples)
    {
        _contents.EnsureCapacity(examples);
        _prompts.EnsureCapacity(examples);
    }

    /// <summary>The first earlier example with the same output bytes, if any.</summary>
    public ExampleLocation? FirstWithContent(DatasetEntry entry)
        => _contents.TryGetValue(entry.ContentKey, out var first) ? first : null;

    /// <summary>The first earlier example with the same prompt, if any.</summary>
    public PromptSeen? FirstWithPrompt(DatasetEntry entry)
        => _prompts.TryGetValue(entry.PromptKey, out var seen) ? seen : null;

    /// <summary>Records an entry after every rule has seen it; only the first of each key is kept.</summary>
    public void Add(DatasetEntry entry)
    {
        _contents.TryAdd(entry.ContentKey, entry.Location);
        _prompts.TryAdd(entry.PromptKey, new PromptSeen(entry.Location, entry.Validation, entry.Label));
    }
}
