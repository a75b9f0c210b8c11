using FineTune.Build.Documents;
using FineTune.Build.Examples;
using FineTune.Build.Output;

namespace FineTune.Build.Rules;

/// <summary>
/// An example as the dataset rules see it: where it is, which file it goes to, its label, and 128-bit keys of its
/// output bytes and its prompt. Made by the workers (hashing is the costly part, and independent per example);
/// the rules then only compare keys, in output order.
/// </summary>
public sealed class DatasetEntry
{
    public DatasetEntry(Example example, ReadOnlySpan<byte> content, bool validation, string? label)
    {
        Location = ExampleLocation.Of(example);
        Validation = validation;
        Label = label;
        ContentKey = Hash128.Of(content);
        PromptKey = Hash128.Of(PromptBytes(example));
        HasImages = ImageContentRule.AllMessages(example).Any(m => m.Get("content") is ArrayNode parts && parts.Items.Any(p => p is ObjectNode o && (o.Get("type") as ScalarNode)?.Text == "image_url"));
    }

    /// <summary>The example has at least one image part (OpenAI limits those per training file).</summary>
    public bool HasImages { get; }

    public ExampleLocation Location { get; }

    public bool Validation { get; }

    /// <summary>What a classifier would answer (classification only), else null.</summary>
    public string? Label { get; }

    /// <summary>The key of the output bytes: equal keys are exact duplicates.</summary>
    public Hash128 ContentKey { get; }

    /// <summary>The key of what the model is given: equal keys are the same prompt.</summary>
    public Hash128 PromptKey { get; }

    /// <summary>What the model is given: the prompt, the conversation before the last assistant reply, or the DPO input.</summary>
    internal static byte[] PromptBytes(Example example)
    {
        switch (example.Format)
        {
            case DatasetFormat.Completion:
                return System.Text.Encoding.UTF8.GetBytes(example.Prompt?.Text ?? "");
            case DatasetFormat.Preference:
                return example.Body.Get("input") is { } input ? CanonicalJsonWriter.ToBytes(input) : [];
            default:
                var messages = (example.Body.Get("messages") as ArrayNode)?.Items ?? [];
                var last = messages.FindLastIndex(m => m is ObjectNode o && (o.Get("role") as ScalarNode)?.Text == "assistant");
                var before = last >= 0 ? messages.Take(last).ToList() : messages;
                return CanonicalJsonWriter.ToBytes(new ArrayNode(before, 0, 0));
        }
    }
}
