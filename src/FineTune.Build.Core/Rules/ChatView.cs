using FineTune.Build.Documents;

namespace FineTune.Build.Rules;

/// <summary>Typed reads of a bound chat message (the binder has already checked the types).</summary>
internal static class ChatView
{
    public static string? Role(ObjectNode message) => (message.Get("role") as ScalarNode)?.Text;

    public static string? Text(ObjectNode message) => message.Get("content") switch
    {
        ScalarNode { Kind: ScalarKind.String } s => s.Text,
        ArrayNode parts => string.Concat(parts.Items.OfType<ObjectNode>().Select(p => (p.Get("text") as ScalarNode)?.Text)),
        _ => null,
    };

    public static IEnumerable<ObjectNode> Messages(ArrayNode? list) => list?.Items.OfType<ObjectNode>() ?? [];

    [ThreadStatic]
    private static List<ScalarNode>? t_strings;

    /// <summary>
    /// Every string in a value, with its node (for content scans: special tokens, secrets), except images' base64
    /// data URLs. The list is this
    /// thread's and is reused by the next call: read it before calling again. (Nested iterators here were a fifth
    /// of the compile's allocations.)
    /// </summary>
    public static List<ScalarNode> Strings(Node node)
    {
        var strings = t_strings ??= [];
        strings.Clear();
        Collect(node, strings);
        return strings;
    }

    private static void Collect(Node node, List<ScalarNode> into)
    {
        switch (node)
        {
            case ScalarNode { Kind: ScalarKind.String } s:
                into.Add(s);
                break;
            case ArrayNode array:
                foreach (var item in array.Items)
                {
                    Collect(item, into);
                }

                break;
            case ObjectNode obj:
                foreach (var property in obj.Properties)
                {
                    // An image's base64 bytes are no text: random base64 matches key shapes (AIza + 35 characters
                    // about once per 10 MB) and holds no special tokens. ImageContentRule checks them instead.
                    if (property.Name == "url" && property.Value is ScalarNode url && url.Text.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
                    {
                        continue;
                    }

                    Collect(property.Value, into);
                }

                break;
        }
    }
}
