using System.Text;
using System.Text.Json;
using FineTune.Build.Diagnostics;
using FineTune.Build.Documents;

namespace FineTune.Build.Sources;

/// <summary>
/// Reads JSONL: one JSON object per line, streamed line by line with <see cref="Utf8JsonReader"/>. Every node
/// keeps the line and character column of its token, so diagnostics point inside the line. A line that is not one
/// complete object (for example a pretty-printed JSON file) is a located error; reading goes on with the next line.
/// </summary>
public static class JsonlSourceReader
{
    /// <summary>After this many syntax errors in one file the rest of it is not read (it is probably not JSONL).</summary>
    private const int MaxSyntaxErrorsPerFile = 10;

    public static IEnumerable<SourceRecord> Read(SourceFile source, DiagnosticCollector diagnostics)
    {
        using var stream = OpenOrReport(source, diagnostics);
        if (stream is null)
        {
            yield break;
        }

        var limits = source.Limits;
        using var lines = new Utf8LineReader(stream, maxLineBytes: limits.MaxLineBytes);
        var ordinal = 0;
        var syntaxErrors = 0;
        while (lines.TryReadLine(out var line, out var lineNumber))
        {
            if (lines.LastLineTooLong)
            {
                diagnostics.Report(DiagnosticCodes.LineTooLong, source.Path, lineNumber, 1,
                    $"This line is {lines.LastLineLength} bytes, over the limit of {limits.MaxLineBytes} ({ReaderLimits.PropertyNames.MaxLineBytes}): shorten it or raise {ReaderLimits.PropertyNames.MaxLineBytes}. The line is skipped.");
                continue;
            }

            if (IsBlank(line.Span))
            {
                continue;
            }

            if (ordinal >= limits.MaxExamplesPerFile)
            {
                diagnostics.Report(DiagnosticCodes.TooManyExamplesInFile, source.Path, lineNumber, 1,
                    $"This file has more than {limits.MaxExamplesPerFile} examples, the limit of {ReaderLimits.PropertyNames.MaxExamplesPerFile}: split the file or raise {ReaderLimits.PropertyNames.MaxExamplesPerFile}. The rest of this file is not read.");
                yield break;
            }

            if (line.Length > limits.MaxExampleBytes)
            {
                diagnostics.Report(DiagnosticCodes.ExampleTooLarge, source.Path, lineNumber, 1,
                    $"This example is {line.Length} bytes, over the limit of {limits.MaxExampleBytes} ({ReaderLimits.PropertyNames.MaxExampleBytes}): shorten it or raise {ReaderLimits.PropertyNames.MaxExampleBytes}. The line is skipped.");
                continue;
            }

            var node = ParseLine(source.Path, line.Span, lineNumber, diagnostics, limits);
            if (node is not null && !ExampleLimits.Check(node, source, diagnostics))
            {
                ordinal++;
                continue;
            }

            if (node is null)
            {
                if (++syntaxErrors >= MaxSyntaxErrorsPerFile)
                {
                    diagnostics.Report(DiagnosticCodes.InvalidJson, source.Path, lineNumber, 1,
                        $"Stopped reading after {MaxSyntaxErrorsPerFile} malformed lines: a JSONL file needs exactly one JSON object per line.");
                    yield break;
                }

                continue;
            }

            yield return new SourceRecord(node, ordinal++);
        }
    }

    internal static Stream? OpenOrReport(SourceFile source, DiagnosticCollector diagnostics)
    {
        try
        {
            return new FileStream(source.Path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            diagnostics.Report(DiagnosticCodes.UnreadableSource, source.Path, 0, 0, $"Cannot read the source file: {ex.Message}");
            return null;
        }
    }

    private static bool IsBlank(ReadOnlySpan<byte> line)
    {
        foreach (var b in line)
        {
            if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Parses one line into an object node, or reports why it is not one and returns null.</summary>
    internal static ObjectNode? ParseLine(string file, ReadOnlySpan<byte> line, int lineNumber, DiagnosticCollector diagnostics, ReaderLimits? limits = null)
    {
        limits ??= ReaderLimits.Default;
        var invalid = Utf8Text.FindInvalid(line);
        if (invalid >= 0)
        {
            diagnostics.Report(DiagnosticCodes.InvalidUtf8, file, lineNumber, Utf8Text.ColumnOf(line, invalid),
                "Invalid UTF-8 byte sequence: save the file as UTF-8.");
            return null;
        }

        // The reader's own depth limit bounds ReadValue's recursion; columns advance with the tokens (linear in the line).
        var reader = new Utf8JsonReader(line, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow, MaxDepth = limits.MaxNestingDepth });
        var columns = new Utf8ColumnCursor();
        try
        {
            if (!reader.Read())
            {
                return null;
            }

            if (reader.TokenType != JsonTokenType.StartObject)
            {
                diagnostics.Report(DiagnosticCodes.InvalidJson, file, lineNumber, Utf8Text.ColumnOf(line, (int)reader.TokenStartIndex),
                    $"Each JSONL line must be one JSON object, but this line starts with {Describe(reader.TokenType)}.");
                return null;
            }

            var node = (ObjectNode)ReadValue(ref reader, line, lineNumber, file, diagnostics, limits, columns);
            if (reader.Read())
            {
                diagnostics.Report(DiagnosticCodes.InvalidJson, file, lineNumber, Utf8Text.ColumnOf(line, (int)reader.TokenStartIndex),
                    "Text after the end of the JSON object: put each example on its own line.");
                return null;
            }

            return node;
        }
        catch (ReaderLimitException ex)
        {
            diagnostics.Report(ex.Descriptor, file, ex.Line, ex.Column, ex.Message);
            return null;
        }
        catch (JsonException ex) when (IsDepthError(ex))
        {
            diagnostics.Report(DiagnosticCodes.NestingTooDeep, file, lineNumber, columns.ColumnOf(line, (int)(ex.BytePositionInLine ?? 0)),
                $"Lists and objects are nested more than {limits.MaxNestingDepth} levels deep here, over the limit of {limits.MaxNestingDepth} ({ReaderLimits.PropertyNames.MaxNestingDepth}): flatten it or raise {ReaderLimits.PropertyNames.MaxNestingDepth}. The line is skipped.");
            return null;
        }
        catch (InvalidOperationException)
        {
            // A string the reader cannot decode, such as a lone surrogate escape "\ud800".
            diagnostics.Report(DiagnosticCodes.InvalidJson, file, lineNumber, Utf8Text.ColumnOf(line, (int)reader.TokenStartIndex),
                "This string is not valid Unicode (a lone surrogate escape such as \\ud800?): write the character itself or a complete surrogate pair.");
            return null;
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or OverflowException or IndexOutOfRangeException or NotSupportedException)
        {
            diagnostics.Report(DiagnosticCodes.InvalidJson, file, lineNumber, 1, $"Invalid JSON: the JSON reader could not read this line ({ex.Message}).");
            return null;
        }
        catch (JsonException ex)
        {
            var column = Utf8Text.ColumnOf(line, (int)(ex.BytePositionInLine ?? 0));
            var incomplete = ex.Message.Contains("end of data", StringComparison.OrdinalIgnoreCase)
                || ex.Message.Contains("Expected depth to be zero", StringComparison.OrdinalIgnoreCase);
            var message = incomplete
                ? "The JSON object does not end on this line: JSONL needs exactly one complete object per line (is the file pretty-printed JSON?)."
                : $"Invalid JSON: {TrimJsonMessage(ex.Message)}";
            diagnostics.Report(DiagnosticCodes.InvalidJson, file, lineNumber, column, message);
            return null;
        }
    }

    private static Node ReadValue(ref Utf8JsonReader reader, ReadOnlySpan<byte> line, int lineNumber, string file, DiagnosticCollector diagnostics, ReaderLimits limits, Utf8ColumnCursor columns)
    {
        var column = columns.ColumnOf(line, (int)reader.TokenStartIndex);
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
            {
                var properties = new List<Property>();
                HashSet<string>? names = null;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
                {
                    var keyColumn = columns.ColumnOf(line, (int)reader.TokenStartIndex);
                    var name = KeyName(ref reader);
                    reader.Read();
                    var value = ReadValue(ref reader, line, lineNumber, file, diagnostics, limits, columns);
                    if (properties.Count >= limits.MaxKeysPerObject)
                    {
                        throw new ReaderLimitException(DiagnosticCodes.TooManyKeys, lineNumber, column,
                            $"This object has more than {limits.MaxKeysPerObject} keys, over the limit of {limits.MaxKeysPerObject} ({ReaderLimits.PropertyNames.MaxKeysPerObject}): make it smaller or raise {ReaderLimits.PropertyNames.MaxKeysPerObject}. The line is skipped.");
                    }

                    // A set once the object is large: a scan per key is quadratic in keys.
                    if (names is null && properties.Count > 16)
                    {
                        names = new HashSet<string>(properties.Select(p => p.Name), StringComparer.Ordinal);
                    }

                    if (names?.Contains(name) ?? ObjectNode.Contains(properties, name))
                    {
                        diagnostics.Report(DiagnosticCodes.DuplicateKey, file, lineNumber, keyColumn,
                            $"The key '{name}' appears twice in this object: keep one.");
                        continue;
                    }

                    properties.Add(new Property(name, lineNumber, keyColumn, value));
                    names?.Add(name);
                }

                return new ObjectNode(properties, lineNumber, column);
            }

            case JsonTokenType.StartArray:
            {
                var items = new List<Node>();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    items.Add(ReadValue(ref reader, line, lineNumber, file, diagnostics, limits, columns));
                }

                return new ArrayNode(items, lineNumber, column);
            }

            case JsonTokenType.String:
                if (reader.ValueSpan.Length > limits.MaxValueBytes)
                {
                    throw new ReaderLimitException(DiagnosticCodes.ValueTooLarge, lineNumber, column,
                        $"This string is {reader.ValueSpan.Length} bytes, over the limit of {limits.MaxValueBytes} ({ReaderLimits.PropertyNames.MaxValueBytes}): shorten it or raise {ReaderLimits.PropertyNames.MaxValueBytes}. The line is skipped.");
                }

                return new ScalarNode(ScalarKind.String, reader.GetString()!, lineNumber, column);
            case JsonTokenType.Number:
                return new ScalarNode(ScalarKind.Number, Encoding.UTF8.GetString(reader.ValueSpan), lineNumber, column);
            case JsonTokenType.True:
                return new ScalarNode(ScalarKind.True, "true", lineNumber, column);
            case JsonTokenType.False:
                return new ScalarNode(ScalarKind.False, "false", lineNumber, column);
            default:
                return new ScalarNode(ScalarKind.Null, "null", lineNumber, column);
        }
    }

    /// <summary>The keys of the fine-tuning formats, shared instead of allocated once per object of every line.</summary>
    private static readonly string[] KnownKeys =
    [
        "messages", "role", "content", "name", "weight", "tool_calls", "tool_call_id", "function_call", "id", "type",
        "function", "arguments", "tools", "parallel_tool_calls", "description", "parameters", "prompt", "completion",
        "input", "preferred_output", "non_preferred_output", "split", "properties", "required", "text",
    ];

    private static readonly byte[][] KnownKeysUtf8 = KnownKeys.Select(Encoding.UTF8.GetBytes).ToArray();

    private static string KeyName(ref Utf8JsonReader reader)
    {
        if (!reader.HasValueSequence && !reader.ValueIsEscaped)
        {
            var raw = reader.ValueSpan;
            for (var i = 0; i < KnownKeysUtf8.Length; i++)
            {
                if (raw.SequenceEqual(KnownKeysUtf8[i]))
                {
                    return KnownKeys[i];
                }
            }
        }

        return reader.GetString()!;
    }

    private static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.StartArray => "a list ([)",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        _ => token.ToString().ToLowerInvariant(),
    };

    /// <summary>System.Text.Json's "maximum configured depth of N has been exceeded" (not "Expected depth to be zero").</summary>
    private static bool IsDepthError(JsonException ex)
        => ex.Message.Contains("depth", StringComparison.OrdinalIgnoreCase)
            && (ex.Message.Contains("exceeded", StringComparison.OrdinalIgnoreCase) || ex.Message.Contains("maximum", StringComparison.OrdinalIgnoreCase));

    private static string TrimJsonMessage(string message)
    {
        // System.Text.Json appends "LineNumber: 0 | BytePositionInLine: 12." which our location already says.
        var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return cut > 0 ? message[..cut].TrimEnd() : message;
    }
}
