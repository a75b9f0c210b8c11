using System.Globalization;
using System.Text.RegularExpressions;
using FineTune.Build.Diagnostics;
using FineTune.Build.Documents;
using FineTune.Build.Sources;

namespace FineTune.Build.Examples;

/// <summary>
/// Turns a source record into an <see cref="Example"/> of the project's format: checks every key against the
/// format's shape (unknown keys, missing fields, wrong types, empty text), resolves YAML plain scalars to the type
/// a field expects, and builds the canonical body. Reports every problem of the example, not only the first.
/// </summary>
public sealed partial class ExampleBinder
{
    private readonly DiagnosticCollector _diagnostics;

    public ExampleBinder(DiagnosticCollector diagnostics)
    {
        _diagnostics = diagnostics;
    }

    /// <summary>Binds a record; null when it has errors (they are reported) and must not be written.</summary>
    public Example? Bind(SourceFile source, SourceRecord record, DatasetFormat format)
        => BindChecked(source, record, format) is { HasBindErrors: false } example ? example : null;

    /// <summary>
    /// Binds a record, keeping what did bind when some fields did not (<see cref="Example.HasBindErrors"/>), so the
    /// example rules still report the example's independent problems in the same build (an unknown key must not
    /// hide <c>weight: 0.5</c>). Null only when the record is no example of the format at all.
    /// </summary>
    public Example? BindChecked(SourceFile source, SourceRecord record, DatasetFormat format, bool allowEmptyPrompt = false)
    {
        var node = record.Node;
        var detected = Shapes.Detect(node);
        if (detected is null)
        {
            var keys = node.Properties.Count == 0 ? "no keys" : "keys " + string.Join(", ", node.Properties.Select(p => p.Name));
            Report(DiagnosticCodes.NotAnExample, source, node.Line, node.Column,
                $"This record is not a fine-tuning example (it has {keys}): a {format.Name()} example needs {Shapes.For(format).Fields.Where(f => f.Required).Select(f => f.Name).Aggregate((a, b) => a + " and " + b)}.");
            return null;
        }

        if (detected != format)
        {
            Report(DiagnosticCodes.WrongFormat, source, node.Line, node.Column,
                $"This is a {detected.Value.Name()} example, but the project emits the {format.Name()} format: convert it, move it to a {detected.Value.Name()} project, or set FineTuneFormat.");
            return null;
        }

        var errorsBefore = _diagnostics.ErrorCount;
        var body = BindObject(source, node, Shapes.For(format));
        string? id = null;
        var split = source.Split;
        if (node.Get("id") is { } idNode)
        {
            id = idNode is ScalarNode { Kind: not ScalarKind.Null } idScalar ? idScalar.Text : null;
        }

        if (node.Get("split") is ScalarNode { Kind: ScalarKind.String or ScalarKind.Plain } splitNode)
        {
            split = splitNode.Text.Trim().ToLowerInvariant() switch
            {
                "train" => SplitPin.Train,
                "validation" => SplitPin.Validation,
                _ => ReportSplit(source, splitNode),
            };
        }

        if (format == DatasetFormat.Completion)
        {
            if (!allowEmptyPrompt)
            {
                CheckNotEmpty(source, body, "prompt");
            }

            CheckNotEmpty(source, body, "completion");
        }
        else
        {
            // The source nodes, not the bound ones: a content of the wrong type (FT2003) is not also "no content".
            CheckMessages(source, format == DatasetFormat.Chat ? node.Get("messages") : (node.Get("input") as ObjectNode)?.Get("messages"));
            if (format == DatasetFormat.Preference)
            {
                CheckMessages(source, node.Get("preferred_output"));
                CheckMessages(source, node.Get("non_preferred_output"));
            }
        }

        return new Example(source, record.Ordinal, format, body, id, split) { HasBindErrors = _diagnostics.ErrorCount > errorsBefore };
    }

    private SplitPin ReportSplit(SourceFile source, ScalarNode node)
    {
        Report(DiagnosticCodes.InvalidSplit, source, node.Line, node.Column, $"split: '{node.Text}' is not a split: use 'train' or 'validation'.");
        return SplitPin.None;
    }

    private void CheckNotEmpty(SourceFile source, ObjectNode body, string key)
    {
        if (body.Get(key) is ScalarNode { Kind: ScalarKind.String } value && string.IsNullOrWhiteSpace(value.Text))
        {
            // An empty prompt here means other prompts of the dataset are not empty (all empty is open-ended generation).
            var hint = key == "prompt" ? " (only a dataset whose prompts are all empty is open-ended generation)" : "";
            Report(DiagnosticCodes.EmptyValue, source, value.Line, value.Column, $"The {key} is empty: write the {key} text, or remove the example{hint}.");
        }
    }

    /// <summary>Every message needs text (or, for an assistant, tool calls); empty content is an error.</summary>
    private void CheckMessages(SourceFile source, Node? messages)
    {
        if (messages is not ArrayNode list)
        {
            return;
        }

        if (list.Items.Count == 0)
        {
            Report(DiagnosticCodes.MissingField, source, list.Line, list.Column, "The messages list is empty: add the conversation's messages.");
        }

        foreach (var item in list.Items)
        {
            if (item is not ObjectNode message)
            {
                continue;
            }

            var content = message.Get("content");
            var hasCalls = message.Get("tool_calls") is ArrayNode { Items.Count: > 0 } || message.Get("function_call") is ObjectNode;
            var role = (message.Get("role") as ScalarNode)?.Text ?? "message";
            if (content is null || IsNull(content))
            {
                if (!hasCalls)
                {
                    Report(DiagnosticCodes.MissingField, source, message.Line, message.Column,
                        $"This {role} message has no content: add 'content'{(role == "assistant" ? " (or 'tool_calls')" : "")}.");
                }
            }
            else if (AsString(content) is { } text && string.IsNullOrWhiteSpace(text.Text) && !hasCalls)
            {
                Report(DiagnosticCodes.EmptyValue, source, text.Line, text.Column, $"This {role} message's content is empty: write the text, or remove the message.");
            }
            else if (content is ArrayNode { Items.Count: 0 } parts)
            {
                Report(DiagnosticCodes.EmptyValue, source, parts.Line, parts.Column, $"This {role} message's content list is empty: add a text part.");
            }
        }
    }

    private ObjectNode BindObject(SourceFile source, ObjectNode node, Shape shape)
    {
        foreach (var property in node.Properties)
        {
            if (shape.Find(property.Name) is null)
            {
                Report(DiagnosticCodes.UnknownKey, source, property.Line, property.Column,
                    $"Unknown key '{property.Name}' in {shape.Name}: the keys are {shape.KeyList}. Remove or rename it.");
            }
        }

        var bound = new List<Property>(node.Properties.Count);
        foreach (var field in shape.Fields)
        {
            var property = node.Find(field.Name);
            if (property is null)
            {
                if (field.Required)
                {
                    Report(DiagnosticCodes.MissingField, source, node.Line, node.Column, $"{Capitalize(shape.Name)} needs '{field.Name}': add it.");
                }

                continue;
            }

            var value = BindValue(source, property, field);
            if (value is not null && !field.SourceOnly)
            {
                bound.Add(new Property(property.Name, property.Line, property.Column, value));
            }
        }

        return new ObjectNode(bound, node.Line, node.Column);
    }

    private Node? BindValue(SourceFile source, Property property, Field field)
    {
        var value = property.Value;
        switch (field.Kind)
        {
            case ValueKind.String:
                if (AsString(value) is { } text)
                {
                    return text;
                }

                break;
            case ValueKind.StringOrNull:
                if (AsString(value) is { } maybeText)
                {
                    return maybeText;
                }

                if (IsNull(value))
                {
                    return Null(value);
                }

                break;
            case ValueKind.Content:
                if (AsString(value) is { } content)
                {
                    return content;
                }

                if (IsNull(value))
                {
                    return Null(value);
                }

                if (value is ArrayNode parts)
                {
                    return BindList(source, parts, field);
                }

                break;
            case ValueKind.Number:
                if (AsNumber(value) is { } number)
                {
                    return number;
                }

                break;
            case ValueKind.Boolean:
                if (AsBoolean(value) is { } boolean)
                {
                    return boolean;
                }

                break;
            case ValueKind.Object:
                if (value is ObjectNode obj)
                {
                    return field.Shape is null ? Resolve(obj) : BindObject(source, obj, field.Shape);
                }

                break;
            case ValueKind.List:
                if (value is ArrayNode list)
                {
                    return BindList(source, list, field);
                }

                break;
            case ValueKind.Any:
                return Resolve(value);
        }

        Report(DiagnosticCodes.WrongType, source, value.Line, value.Column,
            $"'{property.Name}' must be {Describe(field.Kind)}, not {Describe(value)}.");
        return null;
    }

    private ArrayNode BindList(SourceFile source, ArrayNode list, Field field)
    {
        var items = new List<Node>(list.Items.Count);
        foreach (var item in list.Items)
        {
            if (field.ItemShape is null)
            {
                items.Add(Resolve(item));
            }
            else if (item is ObjectNode obj)
            {
                items.Add(BindObject(source, obj, field.ItemShape));
            }
            else
            {
                Report(DiagnosticCodes.WrongType, source, item.Line, item.Column,
                    $"Each item of '{field.Name}' must be {field.ItemShape.Name} (a mapping), not {Describe(item)}.");
            }
        }

        return new ArrayNode(items, list.Line, list.Column);
    }

    private static ScalarNode? AsString(Node value) => value switch
    {
        ScalarNode { Kind: ScalarKind.String } s => s,

        // YAML: an unquoted scalar is text where text is expected (completion: yes), except null and ~.
        ScalarNode { Kind: ScalarKind.Plain } p when !IsNullLiteral(p.Text) || p.Text.Length == 0
            => new ScalarNode(ScalarKind.String, p.Text, p.Line, p.Column) { Segments = p.Segments },
        _ => null,
    };

    private static bool IsNull(Node value) => value is ScalarNode { Kind: ScalarKind.Null } || value is ScalarNode { Kind: ScalarKind.Plain } p && IsNullLiteral(p.Text);

    private static ScalarNode Null(Node at) => new(ScalarKind.Null, "null", at.Line, at.Column);

    private static bool IsNullLiteral(string text) => text is "" or "~" or "null" or "Null" or "NULL";

    private static ScalarNode? AsNumber(Node value) => value switch
    {
        ScalarNode { Kind: ScalarKind.Number } n => n,
        ScalarNode { Kind: ScalarKind.Plain } p when YamlNumber(p.Text) is { } text => new ScalarNode(ScalarKind.Number, text, p.Line, p.Column),
        _ => null,
    };

    private static ScalarNode? AsBoolean(Node value) => value switch
    {
        ScalarNode { Kind: ScalarKind.True or ScalarKind.False } b => b,
        ScalarNode { Kind: ScalarKind.Plain, Text: "true" or "True" or "TRUE" } p => new ScalarNode(ScalarKind.True, "true", p.Line, p.Column),
        ScalarNode { Kind: ScalarKind.Plain, Text: "false" or "False" or "FALSE" } p => new ScalarNode(ScalarKind.False, "false", p.Line, p.Column),
        _ => null,
    };

    /// <summary>Resolves YAML plain scalars in free-form JSON by the YAML 1.2 core schema (null, bool, number, string).</summary>
    private static Node Resolve(Node value)
    {
        switch (value)
        {
            case ScalarNode { Kind: ScalarKind.Plain } plain:
                if (IsNullLiteral(plain.Text))
                {
                    return Null(plain);
                }

                return AsBoolean(plain) ?? AsNumber(plain) ?? new ScalarNode(ScalarKind.String, plain.Text, plain.Line, plain.Column);
            case ArrayNode list:
                return new ArrayNode(list.Items.Select(Resolve).ToList(), list.Line, list.Column);
            case ObjectNode obj:
                return new ObjectNode(obj.Properties.Select(p => new Property(p.Name, p.Line, p.Column, Resolve(p.Value))).ToList(), obj.Line, obj.Column);
            default:
                return value;
        }
    }

    /// <summary>A YAML core-schema number as JSON number text, or null when the text is not a number JSON can hold.</summary>
    private static string? YamlNumber(string text)
    {
        if (JsonNumberPattern().IsMatch(text))
        {
            return text;
        }

        if (YamlIntPattern().IsMatch(text) && decimal.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
        {
            return integer.ToString(CultureInfo.InvariantCulture);
        }

        if (YamlFloatPattern().IsMatch(text) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var real) && double.IsFinite(real))
        {
            return real.ToString("R", CultureInfo.InvariantCulture);
        }

        return null;
    }

    [GeneratedRegex(@"^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?$")]
    private static partial Regex JsonNumberPattern();

    [GeneratedRegex(@"^[-+]?[0-9]+$")]
    private static partial Regex YamlIntPattern();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex YamlFloatPattern();

    private static string Describe(ValueKind kind) => kind switch
    {
        ValueKind.String => "a string",
        ValueKind.StringOrNull => "a string or null",
        ValueKind.Content => "a string or a list of content parts",
        ValueKind.Number => "a number",
        ValueKind.Boolean => "true or false",
        ValueKind.Object => "a mapping",
        ValueKind.List => "a list",
        _ => "a value",
    };

    private static string Describe(Node value) => value is ScalarNode { Kind: ScalarKind.Plain } plain
        ? IsNullLiteral(plain.Text) ? "null" : $"'{plain.Text}'"
        : value.KindName;

    private static string Capitalize(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];

    private void Report(DiagnosticDescriptor descriptor, SourceFile source, int line, int column, string message)
        => _diagnostics.Report(descriptor, source.Path, line, column, message);
}
