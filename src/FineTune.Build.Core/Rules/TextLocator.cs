using FineTune.Build.Documents;

namespace FineTune.Build.Rules;

/// <summary>
/// Finds the source line and column of a character inside a scalar's text: in the cell it came from (CSV
/// templates), or on its own line inside a YAML literal block (|), so an error points at the offending line.
/// </summary>
internal static class TextLocator
{
    public static (int Line, int Column) Locate(string file, ScalarNode node, int offset)
    {
        if (node.Segments is not null)
        {
            return node.Locate(offset);
        }

        if (!node.IsBlock)
        {
            return (node.Line, node.Column);
        }

        offset = node.SourceOffset(offset);

        // A literal block's content starts on the line after the indicator; each '\n' is one source line.
        var text = node.Text[Math.Min(node.AddedPrefix, node.Text.Length)..];
        offset = Math.Clamp(offset, 0, text.Length);
        var lineStart = offset == 0 ? 0 : text.LastIndexOf('\n', offset - 1) + 1;
        var lineIndex = 0;
        for (var i = 0; i < offset && i < text.Length; i++)
        {
            if (text[i] == '\n')
            {
                lineIndex++;
            }
        }

        // Offsets within a line already include any extra indentation, so add the block's own indentation: that of
        // its first non-blank content line, as YAML defines it.
        var line = node.Line + 1 + lineIndex;
        var columnInContent = offset - lineStart;
        return (line, BlockIndent(file, node.Line + 1) + 1 + columnInContent);
    }

    /// <summary>The indentation of the first non-blank line from <paramref name="line"/> on (read only when an error needs it).</summary>
    private static int BlockIndent(string file, int line)
    {
        try
        {
            foreach (var text in File.ReadLines(file).Skip(line - 1))
            {
                if (string.IsNullOrWhiteSpace(text))
                {
                    continue;
                }

                var indent = 0;
                while (indent < text.Length && text[indent] == ' ')
                {
                    indent++;
                }

                return indent;
            }
        }
        catch (IOException)
        {
        }

        return 0;
    }
}
