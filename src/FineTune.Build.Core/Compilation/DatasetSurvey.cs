using FineTune.Build.Diagnostics;
using FineTune.Build.Documents;
using FineTune.Build.Examples;
using FineTune.Build.Rules;
using FineTune.Build.Sources;

namespace FineTune.Build.Compilation;

/// <summary>
/// What must be known before any example is bound, counted as the sources are read: the format (when neither
/// FineTuneFormat nor the base model says) and the task (when FineTuneTask is not set). Keeps only counts and
/// 64-bit hashes, never the examples (the compiler keeps those in a <see cref="RecordSpool"/>).
/// </summary>
public sealed class DatasetSurvey
{
    /// <summary>The seed's prepare_data rule: classification when there are fewer distinct completions than n / 3.</summary>
    public const int ClassificationThreshold = 3;

    public DatasetFormat? FirstFormat { get; private set; }

    public int ExampleCount { get; private set; }

    /// <summary>Every record of the sources was counted (not only the first ones, from which a task can be guessed).</summary>
    public bool Complete { get; internal set; }

    public int DistinctLabels => _labels.Count;

    // 8 bytes a distinct label (keys only) where a HashSet<ulong> took about 30 with its growth: a generation
    // dataset's answers are nearly all distinct, so this is as large as one of the dataset rules' index tables.
    private readonly KeyTable _labels = new(expected: 0, withValues: false);

    /// <summary>Examples with a text answer (chat examples that answer with tool calls have none).</summary>
    public int LabeledCount { get; private set; }

    /// <summary>Prompt/completion examples with a prompt key.</summary>
    public int PromptCount { get; private set; }

    /// <summary>Of those, the ones whose prompt is empty or whitespace.</summary>
    public int EmptyPromptCount { get; private set; }

    /// <summary>
    /// Open-ended generation when every prompt is empty (the seed's guide); classification needs every example to
    /// answer with text, and few distinct answers. A mix of empty and non-empty prompts is generation, so the
    /// binder reports each empty one.
    /// </summary>
    public DatasetTask InferredTask
        => PromptCount > 0 && EmptyPromptCount == PromptCount ? DatasetTask.OpenEndedGeneration
            : ExampleCount > 0 && LabeledCount == ExampleCount && DistinctLabels < ExampleCount / (double)ClassificationThreshold
            ? DatasetTask.Classification
            : DatasetTask.Generation;

    private void AddPrompt(string? prompt)
    {
        PromptCount++;
        if (string.IsNullOrWhiteSpace(prompt))
        {
            EmptyPromptCount++;
        }
    }

    /// <summary>
    /// Reads <paramref name="sources"/> just to survey them, their diagnostics dropped (tools and tests; the compiler
    /// surveys the records as it spools them, see <see cref="RecordSpool"/>).
    /// </summary>
    public static DatasetSurvey Of(IEnumerable<SourceFile> sources)
    {
        var survey = new DatasetSurvey();
        var scratch = new DiagnosticCollector(sink: null, maxReported: 1, maxKept: 1);
        foreach (var source in sources)
        {
            foreach (var record in SourceReaders.Read(source, scratch))
            {
                survey.Add(record.Node);
            }
        }

        survey.Complete = true;
        return survey;
    }

    /// <summary>Counts one record as read (the compiler's reading pass calls this for every record, in order).</summary>
    public void Add(ObjectNode node)
    {
        var format = Shapes.Detect(node);
        if (format is null)
        {
            return;
        }

        FirstFormat ??= format;
        ExampleCount++;
        if (node.Get("prompt") is { } prompt)
        {
            // A prompt that is no text is a type error the binder reports; it does not count as empty.
            AddPrompt(prompt is ScalarNode { Kind: ScalarKind.String or ScalarKind.Plain } text ? text.Text : "x");
        }

        if (LabelOf(node) is { } label)
        {
            LabeledCount++;
            _labels.TryAdd(Fnv64.Hash(label.AsSpan().Trim()), 0);
        }
    }

    /// <summary>What a classifier would answer: the completion, or the last assistant message's text.</summary>
    public static string? LabelOf(ObjectNode node)
    {
        if (node.Get("completion") is ScalarNode completion)
        {
            return completion.Text;
        }

        var messages = node.Get("messages") as ArrayNode ?? node.Get("preferred_output") as ArrayNode;
        if (messages is null)
        {
            return null;
        }

        for (var i = messages.Items.Count - 1; i >= 0; i--)
        {
            if (messages.Items[i] is ObjectNode message && (message.Get("role") as ScalarNode)?.Text == "assistant")
            {
                return (message.Get("content") as ScalarNode)?.Text;
            }
        }

        return null;
    }
}
