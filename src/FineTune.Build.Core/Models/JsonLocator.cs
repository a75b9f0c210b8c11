using System.Text;
using System.Text.Json;

namespace FineTune.Build.Models;

/// <summary>
/// Maps a JSON path (<c>models[3].tokenizer</c>) to the 1-based line and column of its value, so that schema errors found
/// on a <see cref="JsonDocument"/> (which keeps no positions) can point at the offending node.
/// </summary>
internal sealed class JsonLocator
{
    private readonly byte[] _utf8;
    private readonly List<int> _lineStarts = [0];
    private readonly Dictionary<string, int> _offsets = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _keyOffsets = new(StringComparer.Ordinal);

    private JsonLocator(byte[] utf8)
    {
        _utf8 = utf8;
        for (int i = 0; i < utf8.Length; i++)
        {
            if (utf8[i] == (byte)'\n')
            {
                _lineStarts.Add(i + 1);
            }
        }
    }

    /// <summary>Builds the map; the input must already be known to be valid JSON.</summary>
    public static JsonLocator Build(byte[] utf8, JsonReaderOptions options)
    {
        var locator = new JsonLocator(utf8);
        var reader = new Utf8JsonReader(utf8, options);
        // Each frame: the container's path, whether it is an array, the next array index, the pending property name.
        var stack = new Stack<(string Path, bool IsArray, int Index, string? Name)>();

        string ChildPath()
        {
            if (stack.Count == 0)
            {
                return "";
            }

            var top = stack.Peek();
            return top.IsArray ? $"{top.Path}[{top.Index}]" : top.Path.Length == 0 ? top.Name! : $"{top.Path}.{top.Name}";
        }

        void AdvanceArray()
        {
            if (stack.Count > 0 && stack.Peek().IsArray)
            {
                var top = stack.Pop();
                stack.Push(top with { Index = top.Index + 1 });
            }
        }

        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.PropertyName:
                {
                    var top = stack.Pop();
                    stack.Push(top with { Name = reader.GetString() });
                    locator._keyOffsets[ChildPath()] = (int)reader.TokenStartIndex;
                    break;
                }

                case JsonTokenType.StartObject:
                case JsonTokenType.StartArray:
                {
                    string path = ChildPath();
                    locator._offsets[path] = (int)reader.TokenStartIndex;
                    stack.Push((path, reader.TokenType == JsonTokenType.StartArray, 0, null));
                    break;
                }

                case JsonTokenType.EndObject:
                case JsonTokenType.EndArray:
                    stack.Pop();
                    AdvanceArray();
                    break;

                case JsonTokenType.Comment:
                case JsonTokenType.None:
                    break;

                default:
                    locator._offsets[ChildPath()] = (int)reader.TokenStartIndex;
                    AdvanceArray();
                    break;
            }
        }

        return locator;
    }

    /// <summary>Position of the property name of <paramref name="path"/> (for unknown keys), else as <see cref="Locate"/>.</summary>
    public (int Line, int Column) LocateKey(string path) =>
        _keyOffsets.TryGetValue(path, out int offset) ? ToLineColumn(offset) : Locate(path);

    /// <summary>Position of <paramref name="path"/>, or of its nearest located ancestor, or (1,1).</summary>
    public (int Line, int Column) Locate(string path)
    {
        string? current = path;
        while (current is not null)
        {
            if (_offsets.TryGetValue(current, out int offset))
            {
                return ToLineColumn(offset);
            }

            current = Parent(current);
        }

        return (1, 1);
    }

    private static string? Parent(string path)
    {
        if (path.Length == 0)
        {
            return null;
        }

        int cut = Math.Max(path.LastIndexOf('.'), path.LastIndexOf('['));
        return cut <= 0 ? "" : path[..cut];
    }

    private (int Line, int Column) ToLineColumn(int offset)
    {
        int index = _lineStarts.BinarySearch(offset);
        int line = index >= 0 ? index : ~index - 1;
        int start = _lineStarts[line];
        // Columns count characters, not bytes, so that non-ASCII text before the node does not shift them.
        int column = Encoding.UTF8.GetCharCount(_utf8, start, offset - start) + 1;
        return (line + 1, column);
    }
}
