using System.Text;

namespace FineTune.Build.Sources;

/// <summary>
/// A template such as <c>Company: {Company}\nAd:{Ad}</c> that builds a field from the cells of a CSV/TSV row.
/// <c>{{</c> and <c>}}</c> are literal braces; <c>\n</c>, <c>\t</c> and <c>\\</c> are escapes, like property values.
/// </summary>
public sealed class TextTemplate
{
    private TextTemplate(string text, IReadOnlyList<Part> parts)
    {
        Text = text;
        Parts = parts;
    }

    public string Text { get; }

    public IReadOnlyList<Part> Parts { get; }

    /// <summary>A literal run, or (when <see cref="Column"/> is set) a placeholder naming a column.</summary>
    public readonly record struct Part(string? Literal, string? Column);

    public IEnumerable<string> Placeholders => Parts.Where(p => p.Column is not null).Select(p => p.Column!);

    /// <summary>Parses a template; returns null with an error message when braces do not balance.</summary>
    public static TextTemplate? Parse(string text, out string? error)
    {
        var parts = new List<Part>();
        var literal = new StringBuilder();
        error = null;
        var unescaped = EscapeSequences.Unescape(text);
        for (var i = 0; i < unescaped.Length; i++)
        {
            var c = unescaped[i];
            if (c == '{' && i + 1 < unescaped.Length && unescaped[i + 1] == '{')
            {
                literal.Append('{');
                i++;
            }
            else if (c == '}' && i + 1 < unescaped.Length && unescaped[i + 1] == '}')
            {
                literal.Append('}');
                i++;
            }
            else if (c == '{')
            {
                var close = unescaped.IndexOf('}', i + 1);
                if (close < 0)
                {
                    error = $"the '{{' at position {i + 1} has no closing '}}' (write '{{{{' for a literal brace)";
                    return null;
                }

                if (literal.Length > 0)
                {
                    parts.Add(new Part(literal.ToString(), null));
                    literal.Clear();
                }

                parts.Add(new Part(null, unescaped.Substring(i + 1, close - i - 1).Trim()));
                i = close;
            }
            else if (c == '}')
            {
                error = $"the '}}' at position {i + 1} has no opening '{{' (write '}}}}' for a literal brace)";
                return null;
            }
            else
            {
                literal.Append(c);
            }
        }

        if (literal.Length > 0)
        {
            parts.Add(new Part(literal.ToString(), null));
        }

        return new TextTemplate(text, parts);
    }
}

/// <summary>The escapes that property values and templates interpret: \n, \r, \t and \\.</summary>
public static class EscapeSequences
{
    public static string Unescape(string value)
    {
        if (value.IndexOf('\\') < 0)
        {
            return value;
        }

        var builder = new StringBuilder(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c == '\\' && i + 1 < value.Length)
            {
                var next = value[i + 1];
                var replacement = next switch
                {
                    'n' => '\n',
                    'r' => '\r',
                    't' => '\t',
                    '\\' => '\\',
                    _ => '\0',
                };
                if (replacement != '\0')
                {
                    builder.Append(replacement);
                    i++;
                    continue;
                }
            }

            builder.Append(c);
        }

        return builder.ToString();
    }
}
