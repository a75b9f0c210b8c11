using System.Text;
using System.Text.Json;
using FineTune.Build.Documents;
using FineTune.Build.Examples;

namespace FineTune.Build.Diffs;

/// <summary>
/// An example's content identity: the prompt (or the first user message) as key and the completion (or the
/// assistant's reply, or a preference's preferred output) as value, so a relabelled example is "changed", not
/// "removed and added". Works on bound source examples and on compiled JSONL lines alike.
/// </summary>
public static class ExampleContent
{
    public static (string Key, string Value) Of(Example example) => Of(example.Body);

    /// <summary>
    /// The identity of an example's body, bound or not (an example with a schema error is still one the change
    /// adds): prompt/completion, chat messages, or a preference's input and preferred output; else the whole body.
    /// </summary>
    public static (string Key, string Value) Of(ObjectNode body)
    {
        if (body.Get("prompt") is { } prompt)
        {
            return (Text(prompt), body.Get("completion") is { } completion ? Text(completion) : "");
        }

        var list = ((body.Get("input") as ObjectNode)?.Get("messages") ?? body.Get("messages")) as ArrayNode;
        if (list is null)
        {
            return (Render(body), "");
        }

        var messages = list.Items.OfType<ObjectNode>().ToList();
        var key = messages.FirstOrDefault(m => Text(m.Get("role")) == "user") is { } user ? Text(user.Get("content")) : Render(list);
        string value;
        if (body.Get("preferred_output") is { } preferred)
        {
            value = Render(preferred);
        }
        else
        {
            var assistant = messages.LastOrDefault(m => Text(m.Get("role")) == "assistant");
            value = assistant is null ? "" : Text(assistant.Get("content")) is { Length: > 0 } content ? content : Render(assistant);
        }

        return (key, value);
    }

    public static (string Key, string Value) Of(JsonElement line)
    {
        if (line.TryGetProperty("prompt", out var prompt))
        {
            return (Trimmed(prompt.GetString()), line.TryGetProperty("completion", out var completion) ? Trimmed(completion.GetString()) : "");
        }

        var messages = line.TryGetProperty("input", out var input) && input.TryGetProperty("messages", out var inner) ? inner
            : line.TryGetProperty("messages", out var direct) ? direct : default;
        var list = messages.ValueKind == JsonValueKind.Array ? messages.EnumerateArray().ToList() : [];
        var user = list.FirstOrDefault(m => Role(m) == "user");
        var key = user.ValueKind == JsonValueKind.Object && user.TryGetProperty("content", out var userContent) ? JsonText(userContent) : messages.ToString();
        string value;
        if (line.TryGetProperty("preferred_output", out var preferred))
        {
            value = preferred.ToString();
        }
        else
        {
            var assistant = list.LastOrDefault(m => Role(m) == "assistant");
            value = assistant.ValueKind == JsonValueKind.Object && assistant.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String
                ? content.GetString()!
                : assistant.ValueKind == JsonValueKind.Undefined ? "" : assistant.ToString();
        }

        return (key, value);
    }

    /// <summary>Both sides of a diff are the same kind of input (sources or JSONL), so text compares as it is.</summary>
    private static string Trimmed(string? text) => text ?? "";

    private static string Role(JsonElement message)
        => message.ValueKind == JsonValueKind.Object && message.TryGetProperty("role", out var role) && role.ValueKind == JsonValueKind.String ? role.GetString()! : "";

    private static string JsonText(JsonElement value) => value.ValueKind == JsonValueKind.String ? value.GetString()! : value.ToString();

    private static string Text(Node? node) => node is ScalarNode scalar ? scalar.Text : Render(node);

    /// <summary>A stable one-line text of a node (for contents that are lists of parts, tool calls, outputs).</summary>
    private static string Render(Node? node)
    {
        var text = new StringBuilder();
        Append(node);
        return text.ToString();

        void Append(Node? n)
        {
            switch (n)
            {
                case ScalarNode scalar:
                    text.Append(scalar.Text);
                    break;
                case ArrayNode array:
                    text.Append('[');
                    for (var i = 0; i < array.Items.Count; i++)
                    {
                        text.Append(i > 0 ? ", " : "");
                        Append(array.Items[i]);
                    }

                    text.Append(']');
                    break;
                case ObjectNode obj:
                    text.Append('{');
                    for (var i = 0; i < obj.Properties.Count; i++)
                    {
                        text.Append(i > 0 ? ", " : "").Append(obj.Properties[i].Name).Append(": ");
                        Append(obj.Properties[i].Value);
                    }

                    text.Append('}');
                    break;
            }
        }
    }
}
