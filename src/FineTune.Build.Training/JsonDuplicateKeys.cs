using System.Text;
using System.Text.Json;

namespace FineTune.Build.Training;

/// <summary>
/// Finds the first property name that appears twice in one JSON object, as a careless merge of finetune.lock.json
/// leaves it (both sides added an entry under the same key). System.Text.Json's JsonObject throws a bare
/// ArgumentException on first touch of such an object; this names the key, where it is, and the object it is in.
/// One pass with a reader: linear in the text, with a set per open object.
/// </summary>
internal static class JsonDuplicateKeys
{
    /// <summary>A repeated key: its name, the dotted path of its object ("datasets.ads.entries"), and the 1-based
    /// line and column of its second occurrence.</summary>
    public sealed record Duplicate(string Key, string ObjectPath, int Line, int Column);

    /// <summary>The first duplicate, or null. The text must already be valid JSON (comments and trailing commas allowed).</summary>
    public static Duplicate? FindFirst(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        var scopes = new Stack<(HashSet<string>? Keys, string Path)>();
        string? pendingName = null;
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject:
                case JsonTokenType.StartArray:
                    var parent = scopes.Count > 0 ? scopes.Peek().Path : "";
                    var path = pendingName is null ? parent : parent.Length == 0 ? pendingName : parent + "." + pendingName;
                    scopes.Push((reader.TokenType == JsonTokenType.StartObject ? new HashSet<string>(StringComparer.Ordinal) : null, path));
                    pendingName = null;
                    break;
                case JsonTokenType.EndObject:
                case JsonTokenType.EndArray:
                    scopes.Pop();
                    break;
                case JsonTokenType.PropertyName:
                    var name = reader.GetString()!;
                    if (!scopes.Peek().Keys!.Add(name))
                    {
                        var (line, column) = LineAndColumn(bytes, (int)reader.TokenStartIndex);
                        return new Duplicate(name, scopes.Peek().Path, line, column);
                    }

                    pendingName = name;
                    break;
                default:
                    pendingName = null;
                    break;
            }
        }
        return null;
    }

    private static (int Line, int Column) LineAndColumn(byte[] bytes, int offset)
    {
        var line = 1;
        var lineStart = 0;
        for (var i = 0; i < offset; i++)
        {
            if (bytes[i] == (byte)'\n')
            {
                line++;
                lineStart = i + 1;
            }
        }

        // Columns count characters, not UTF-8 bytes.
        return (line, Encoding.UTF8.GetCharCount(bytes, lineStart, offset - lineStart) + 1);
    }
}
