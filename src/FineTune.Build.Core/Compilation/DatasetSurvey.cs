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

    public static DatasetSurvey Run(IEnumerable<SourceFile> sources)
    {
        var survey = new DatasetSurvey();
        var scratch = new DiagnosticCollector(sink: null, maxReported: 1, maxKept: 1);
        foreach (var source in sources)
        {
            if (source.Syntax == SourceSyntax.Jsonl)
            {
                survey.AddJsonl(source);
                continue;
            }

            foreach (var record in SourceReaders.Read(source, scratch))
            {
                survey.Add(record.Node);
            }
        }

        return survey;
    }

    /// <summary>
    /// JSONL fast path: only the keys and the answer matter here, so each line is parsed with a pooled
    /// JsonDocument instead of a located tree (several times cheaper). Lines that do not parse are skipped: the
    /// compile pass reports them.
    /// </summary>
    private void AddJsonl(SourceFile source)
    {
        FileStream stream;
        try
        {
            stream = File.OpenRead(source.Path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return;
        }

        using (stream)
        using (var lines = new Utf8LineReader(stream, maxLineBytes: source.Limits.MaxLineBytes))
        {
            var options = new System.Text.Json.JsonDocumentOptions { MaxDepth = source.Limits.MaxNestingDepth };
            while (lines.TryReadLine(out var line, out _))
            {
                // Blank and overlong lines are skipped without an exception each (10 million blank lines: 40 s).
                if (line.Span.Trim(" \t"u8).IsEmpty)
                {
                    continue;
                }

                try
                {
                    using var document = System.Text.Json.JsonDocument.Parse(line, options);
                    if (document.RootElement.ValueKind == System.Text.Json.JsonValueKind.Object)
                    {
                        Add(document.RootElement);
                    }
                }
                catch (System.Text.Json.JsonException)
                {
                }
                catch (InvalidOperationException)
                {
                }
            }
        }
    }

    private void Add(System.Text.Json.JsonElement example)
    {
        var format = example.TryGetProperty("messages", out _) ? DatasetFormat.Chat
            : example.TryGetProperty("input", out _) || example.TryGetProperty("preferred_output", out _) || example.TryGetProperty("non_preferred_output", out _) ? DatasetFormat.Preference
            : example.TryGetProperty("prompt", out _) || example.TryGetProperty("completion", out _) ? DatasetFormat.Completion
            : (DatasetFormat?)null;
        if (format is null)
        {
            return;
        }

        FirstFormat ??= format;
        ExampleCount++;
        string? label = null;
        if (example.TryGetProperty("prompt", out var prompt))
        {
            AddPrompt(prompt.ValueKind == System.Text.Json.JsonValueKind.String ? prompt.GetString() : "x");
        }

        if (example.TryGetProperty("completion", out var completion) && completion.ValueKind == System.Text.Json.JsonValueKind.String)
        {
            label = completion.GetString();
        }
        else if ((example.TryGetProperty("messages", out var messages) || example.TryGetProperty("preferred_output", out messages))
            && messages.ValueKind == System.Text.Json.JsonValueKind.Array)
        {
            // One pass keeping the last assistant message: JsonElement's indexer is linear, so indexing from the
            // end was quadratic in messages (200,000 messages: minutes).
            System.Text.Json.JsonElement? last = null;
            foreach (var message in messages.EnumerateArray())
            {
                if (message.ValueKind == System.Text.Json.JsonValueKind.Object
                    && message.TryGetProperty("role", out var role) && role.ValueKind == System.Text.Json.JsonValueKind.String && role.ValueEquals("assistant"))
                {
                    last = message;
                }
            }

            if (last is { } assistant)
            {
                label = assistant.TryGetProperty("content", out var content) && content.ValueKind == System.Text.Json.JsonValueKind.String ? content.GetString() : null;
            }
        }

        if (label is not null)
        {
            LabeledCount++;
            _labels.Add(Fnv64.Hash(label.AsSpan().Trim()));
        }
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
        if (node.Get("prompt") is { } prompt)
        {
            // A prompt that is no text is a type error the binder reports; it does not count as empty.
            AddPrompt(prompt is ScalarNode { Kind: ScalarKind.String or ScalarKind.Plain } text ? text.Text : "x");
        }

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
