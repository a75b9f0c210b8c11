namespace FineTune.Build.Documents;

/// <summary>
/// A JSON-shaped value read from a source file, with the 1-based line and column where it starts. YAML and JSONL
/// sources both read into this tree, so one binder and one set of rules serve every source syntax.
/// </summary>
public abstract class Node
{
    protected Node(int line, int column)
    {
        Line = line;
        Column = column;
    }

    public int Line { get; }

    public int Column { get; }

    /// <summary>A short name of the value's kind for messages ("a string", "a list", ...).</summary>
    public abstract string KindName { get; }
}

public enum ScalarKind
{
    String,
    Number,
    True,
    False,
    Null,

    /// <summary>A YAML plain (unquoted) scalar whose type depends on what the field expects.</summary>
    Plain,
}

public sealed class ScalarNode : Node
{
    public ScalarNode(ScalarKind kind, string text, int line, int column)
        : base(line, column)
    {
        Kind = kind;
        Text = text;
    }

    public ScalarKind Kind { get; }

    /// <summary>The string value, the number exactly as written, or the literal of true/false/null.</summary>
    public string Text { get; }

    /// <summary>Set when the scalar was written as a YAML literal block (|): each line of the text is a source line.</summary>
    public bool IsBlock { get; init; }

    /// <summary>
    /// For text assembled from several places (a CSV template filled from cells): where each part of the text came
    /// from, so a rule that finds a problem at an offset can point at the cell rather than the row.
    /// </summary>
    public IReadOnlyList<TextSegment>? Segments { get; init; }

    /// <summary>
    /// Characters added in front of the source text (Append mode's leading space): offsets in <see cref="Text"/> are
    /// this much further than in the source.
    /// </summary>
    public int AddedPrefix { get; init; }

    /// <summary>The offset in the source text of the character at <paramref name="offset"/> in <see cref="Text"/>.</summary>
    public int SourceOffset(int offset) => Math.Max(0, offset - AddedPrefix);

    /// <summary>The source location of the character at <paramref name="offset"/> in <see cref="Text"/>.</summary>
    public (int Line, int Column) Locate(int offset)
    {
        offset = SourceOffset(offset);
        if (Segments is not null)
        {
            foreach (var segment in Segments)
            {
                if (offset >= segment.Start && offset < segment.Start + segment.Length)
                {
                    // Inside a cell: a quoted cell may span lines, so count the line breaks before the offset.
                    var source = Text.AsSpan(Math.Min(AddedPrefix, Text.Length));
                    var before = source.Slice(segment.Start, Math.Min(offset, source.Length) - segment.Start);
                    var lastBreak = before.LastIndexOf('\n');
                    return lastBreak < 0
                        ? (segment.Line, segment.Column + before.Length)
                        : (segment.Line + before.Count('\n'), before.Length - lastBreak);
                }
            }
        }

        return (Line, Column);
    }

    public override string KindName => Kind switch
    {
        ScalarKind.String => "a string",
        ScalarKind.Number => "a number",
        ScalarKind.True or ScalarKind.False => "a boolean",
        ScalarKind.Null => "null",
        _ => "a scalar",
    };

    /// <summary>The same scalar with other text (Append mode's fixes); segments still locate the original parts.</summary>
    public ScalarNode WithText(string text, int addedPrefix = 0)
        => new(Kind, text, Line, Column) { IsBlock = IsBlock, Segments = Segments, AddedPrefix = AddedPrefix + addedPrefix };
}

public sealed class ArrayNode : Node
{
    public ArrayNode(List<Node> items, int line, int column)
        : base(line, column)
    {
        Items = items;
    }

    public List<Node> Items { get; }

    public override string KindName => "a list";
}

/// <summary>One key of an object, with the location of the key itself (unknown keys are reported there).</summary>
public sealed class Property
{
    public Property(string name, int line, int column, Node value)
    {
        Name = name;
        Line = line;
        Column = column;
        Value = value;
    }

    public string Name { get; }

    public int Line { get; }

    public int Column { get; }

    public Node Value { get; set; }
}

public sealed class ObjectNode : Node
{
    public ObjectNode(List<Property> properties, int line, int column)
        : base(line, column)
    {
        Properties = properties;
    }

    /// <summary>Properties in source (or, once bound, canonical) order.</summary>
    public List<Property> Properties { get; }

    public override string KindName => "a mapping";

    public Property? Find(string name)
    {
        foreach (var property in Properties)
        {
            if (property.Name == name)
            {
                return property;
            }
        }

        return null;
    }

    public Node? Get(string name) => Find(name)?.Value;

    /// <summary>Whether <paramref name="properties"/> has a key <paramref name="name"/> (no closure: a hot path of every reader).</summary>
    public static bool Contains(List<Property> properties, string name)
    {
        foreach (var property in properties)
        {
            if (property.Name == name)
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>A run of characters of a scalar's text and the source location it came from.</summary>
public readonly record struct TextSegment(int Start, int Length, int Line, int Column);
