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

        // A literal block's content starts on the line after the indicator; each '\n' is one source line.
        var text = node.Text;
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
        // its first content line.
        var line = node.Line + 1 + lineIndex;
        var columnInContent = offset - lineStart;
        return (line, IndentOf(file, node.Line + 1) + 1 + columnInContent);
    }

    /// <summary>The indentation of a source line (read only when an error needs it).</summary>
    private static int IndentOf(string file, int line)
    {
        try
        {
            var text = File.ReadLines(file).Skip(line - 1).FirstOrDefault() ?? "";
            var indent = 0;
            while (indent < text.Length && text[indent] == ' ')
            {
                indent++;
            }

            return indent;
        }
        catch (IOException)
        {
            return 0;
        }
    }
}
