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
        PromptKey = Hash128.Of(PromptSpan(example));
        HasImages = AnyImage(example);
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

    /// <summary>
    /// What the model is given (the prompt, the conversation before the last assistant reply, or the DPO input), in
    /// this thread's serialization buffer (valid until its next use), so hashing copies nothing.
    /// </summary>
    private static ReadOnlySpan<byte> PromptSpan(Example example)
    {
        switch (example.Format)
        {
            case DatasetFormat.Completion:
                return CanonicalJsonWriter.Utf8(example.Prompt?.Text ?? "");
            case DatasetFormat.Preference:
                return example.Body.Get("input") is { } input ? CanonicalJsonWriter.Serialize(input) : [];
            default:
                var messages = (example.Body.Get("messages") as ArrayNode)?.Items ?? [];
                var last = messages.Count - 1;
                while (last >= 0 && !(messages[last] is ObjectNode o && (o.Get("role") as ScalarNode)?.Text == "assistant"))
                {
                    last--;
                }

                return CanonicalJsonWriter.SerializeList(messages, last >= 0 ? last : messages.Count);
        }
    }

    /// <summary>Any message (conversation or preference output) with a content part of type image_url.</summary>
    private static bool AnyImage(Example example)
    {
        if (example.Format == DatasetFormat.Completion)
        {
            return false;
        }

        if (HasImagePart(example.Messages))
        {
            return true;
        }

        return example.Format == DatasetFormat.Preference
            && (HasImagePart(example.Body.Get("preferred_output") as ArrayNode) || HasImagePart(example.Body.Get("non_preferred_output") as ArrayNode));
    }

    private static bool HasImagePart(ArrayNode? messages)
    {
        if (messages is null)
        {
            return false;
        }

        foreach (var message in messages.Items)
        {
            if (message is ObjectNode m && m.Get("content") is ArrayNode parts)
            {
                foreach (var part in parts.Items)
                {
                    if (part is ObjectNode o && (o.Get("type") as ScalarNode)?.Text == "image_url")
                    {
                        return true;
                    }
                }
            }
        }

        return false;
    }
}
