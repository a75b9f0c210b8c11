using FineTune.Build.Examples;

namespace FineTune.Build.Rules;

/// <summary>
/// The examples checked so far, kept as 64-bit keys and locations (never the examples themselves): the first
/// example with each output and with each prompt. Shared by the dataset rules so each key is stored once, in about
/// 40 bytes an example (a million examples: about 40 MB, where two dictionaries of 128-bit keys took 100 MB).
/// </summary>
public sealed class ExampleIndex
{
    // Records live in fixed chunks, so a growing index never copies them or leaves outgrown arrays for the GC.
    private const int ChunkSize = 4096;

    private readonly KeyTable _contents;
    private readonly KeyTable _prompts;
    private readonly List<IndexedExample[]> _chunks = [];
    private readonly List<string> _files = [];
    private readonly Dictionary<string, int> _fileNumbers = new(StringComparer.Ordinal);
    private readonly List<string> _labels = [];
    private readonly Dictionary<string, int> _labelNumbers = new(StringComparer.Ordinal);
    private int _count;

    /// <param name="expectedExamples">
    /// How many examples are coming, when known (an inferred task's survey counts them): sized once, the key tables
    /// never leave a trail of outgrown large arrays for the GC.
    /// </param>
    public ExampleIndex(int expectedExamples = 0)
    {
        _contents = new KeyTable(expectedExamples);
        _prompts = new KeyTable(expectedExamples);
    }

    /// <summary>Makes room for <paramref name="examples"/> in all, once the count can be estimated.</summary>
    public void EnsureCapacity(int examples)
    {
        _contents.EnsureCapacity(examples);
        _prompts.EnsureCapacity(examples);
    }

    /// <summary>The first earlier example with the same output bytes, if any.</summary>
    public ExampleLocation? FirstWithContent(DatasetEntry entry)
        => _contents.TryGetValue(entry.ContentKey.High, out var number) ? LocationOf(Record(number)) : null;

    /// <summary>The first earlier example with the same prompt, if any.</summary>
    public PromptSeen? FirstWithPrompt(DatasetEntry entry)
    {
        if (!_prompts.TryGetValue(entry.PromptKey.High, out var number))
        {
            return null;
        }

        var record = Record(number);
        var label = record.Tag >> 1;
        return new PromptSeen(LocationOf(record), (record.Tag & 1) != 0, label == 0 ? null : _labels[label - 1]);
    }

    /// <summary>Records an entry after every rule has seen it; only the first of each key is kept.</summary>
    public void Add(DatasetEntry entry)
    {
        var number = _count;
        var newContent = _contents.TryAdd(entry.ContentKey.High, number);
        var newPrompt = _prompts.TryAdd(entry.PromptKey.High, number);
        if (!newContent && !newPrompt)
        {
            return;
        }

        if (number % ChunkSize == 0)
        {
            _chunks.Add(new IndexedExample[ChunkSize]);
        }

        var tag = ((entry.Label is { } label ? LabelNumber(label) + 1 : 0) << 1) | (entry.Validation ? 1 : 0);
        _chunks[number / ChunkSize][number % ChunkSize] = new IndexedExample(FileNumber(entry.Location.File), entry.Location.Line, entry.Location.Column, tag);
        _count++;
    }

    private IndexedExample Record(int number) => _chunks[number / ChunkSize][number % ChunkSize];

    private ExampleLocation LocationOf(IndexedExample record) => new(_files[record.File], record.Line, record.Column);

    // Examples come file by file, so the last file is almost always the one.
    private int FileNumber(string file)
    {
        var last = _files.Count - 1;
        if (last >= 0 && (ReferenceEquals(_files[last], file) || _files[last] == file))
        {
            return last;
        }

        // A dictionary, not a search of the list: a dataset of one conversation per file has thousands of files.
        if (!_fileNumbers.TryGetValue(file, out var number))
        {
            number = _files.Count;
            _files.Add(file);
            _fileNumbers.Add(file, number);
        }

        return number;
    }

    private int LabelNumber(string label)
    {
        if (!_labelNumbers.TryGetValue(label, out var number))
        {
            number = _labels.Count;
            _labels.Add(label);
            _labelNumbers.Add(label, number);
        }

        return number;
    }
}
