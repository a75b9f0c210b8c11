using FineTune.Build.Diagnostics;
using FineTune.Build.Documents;
using FineTune.Build.Examples;
using FineTune.Build.Sources;

namespace FineTune.Build.Compilation;

/// <summary>
/// A first, read-only pass over the sources for what must be known before any example is written: the format
/// (when neither FineTuneFormat nor the base model says) and the task (when FineTuneTask is not set). Keeps only
/// counts and 64-bit hashes, never the examples.
/// </summary>
public sealed class DatasetSurvey
{
    /// <summary>The seed's prepare_data rule: classification when there are fewer distinct completions than n / 3.</summary>
    public const int ClassificationThreshold = 3;

    public DatasetFormat? FirstFormat { get; private set; }

    public int ExampleCount { get; private set; }

    public int DistinctLabels => _labels.Count;

    private readonly HashSet<ulong> _labels = [];

    /// <summary>Examples with a text answer (chat examples that answer with tool calls have none).</summary>
    public int LabeledCount { get; private set; }

    /// <summary>Classification needs every example to answer with text, and few distinct answers.</summary>
    public DatasetTask InferredTask
        => ExampleCount > 0 && LabeledCount == ExampleCount && DistinctLabels < ExampleCount / (double)ClassificationThreshold
            ? DatasetTask.Classification
            : DatasetTask.Generation;

    public static DatasetSurvey Run(IEnumerable<SourceFile> sources)
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

        return survey;
    }

    private void Add(ObjectNode node)
    {
        var format = Shapes.Detect(node);
        if (format is null)
        {
            return;
        }

        FirstFormat ??= format;
        ExampleCount++;
        if (LabelOf(node) is { } label)
        {
            LabeledCount++;
            _labels.Add(Fnv64.Hash(label.AsSpan().Trim()));
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
