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

    /// <summary>Every string in a value, with its node (for content scans: special tokens, secrets).</summary>
    public static IEnumerable<ScalarNode> Strings(Node node)
    {
        switch (node)
        {
            case ScalarNode { Kind: ScalarKind.String } s:
                yield return s;
                break;
            case ArrayNode array:
                foreach (var item in array.Items)
                {
                    foreach (var s in Strings(item))
                    {
                        yield return s;
                    }
                }

                break;
            case ObjectNode obj:
                foreach (var property in obj.Properties)
                {
                    foreach (var s in Strings(property.Value))
                    {
                        yield return s;
                    }
                }

                break;
        }
    }
}
