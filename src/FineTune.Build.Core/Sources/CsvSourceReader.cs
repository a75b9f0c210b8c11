using System.Text;
using FineTune.Build.Diagnostics;
using FineTune.Build.Documents;
using nietras.SeparatedValues;

namespace FineTune.Build.Sources;

/// <summary>
/// Reads CSV (RFC 4180) and TSV with the Sep parser: header row required, UTF-8 with or without BOM, quoted fields
/// may span lines. Each row becomes an example object: directly from <c>prompt</c>/<c>completion</c> columns, or
/// through templates from item metadata. Every value remembers the physical line and column of its cell.
/// </summary>
public sealed class CsvSourceReader
{
    /// <summary>Bytes the text reader takes from the file at a time.</summary>
    private const int ReadBufferBytes = 64 * 1024;

    /// <summary>Strict UTF-8 whose preamble is the BOM, so the reader skips a leading BOM without detecting others.</summary>
    private static readonly UTF8Encoding StrictUtf8WithBom = new(encoderShouldEmitUTF8Identifier: true, throwOnInvalidBytes: true);

    private readonly SourceFile _source;
    private readonly DiagnosticCollector _diagnostics;
    private string[] _columns = [];
    private readonly List<(string Key, TextTemplate Template)> _completionFields = [];
    private readonly List<(string Role, TextTemplate Template)> _chatMessages = [];
    private readonly HashSet<TextTemplate> _implicitTemplates = [];
    private int _idColumn = -1;
    private int _splitColumn = -1;

    private CsvSourceReader(SourceFile source, DiagnosticCollector diagnostics)
    {
        _source = source;
        _diagnostics = diagnostics;
    }

    public static IEnumerable<SourceRecord> Read(SourceFile source, DiagnosticCollector diagnostics)
        => new CsvSourceReader(source, diagnostics).ReadAll();

    private IEnumerable<SourceRecord> ReadAll()
    {
        var separator = _source.Syntax == SourceSyntax.Tsv ? '\t' : ',';
        SepReader reader;
        try
        {
            // UTF-8 is checked while Sep reads (the decoder throws at an invalid byte), not in a pass of its own.
            reader = Sep.New(separator).Reader(o => o with { HasHeader = true, Unescape = false, DisableColCountCheck = true })
                .From(_source.Path, OpenText);
        }
        catch (DecoderFallbackException)
        {
            ReportInvalidUtf8();
            yield break;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _diagnostics.Report(DiagnosticCodes.UnreadableSource, _source.Path, 0, 0, $"Cannot read the source file: {ex.Message}");
            yield break;
        }
        catch (Exception ex)
        {
            _diagnostics.Report(DiagnosticCodes.InvalidCsv, _source.Path, 1, 1, $"Cannot read the header row: {ex.Message}");
            yield break;
        }

        using (reader)
        {
            if (reader.Header.IsEmpty)
            {
                _diagnostics.Report(DiagnosticCodes.InvalidCsv, _source.Path, 1, 1, "The file is empty: a CSV/TSV source needs a header row naming its columns.");
                yield break;
            }

            _columns = reader.Header.ColNames.Select(Unquote).ToArray();
            if (!PrepareMapping())
            {
                yield break;
            }

            var ordinal = 0;
            var nextLine = 2;
            while (true)
            {
                ObjectNode? example;
                try
                {
                    if (!reader.MoveNext())
                    {
                        break;
                    }

                    var row = reader.Current;
                    nextLine = row.LineNumberToExcl;
                    if (row.ColCount == 1 && row.Span.Trim().IsEmpty)
                    {
                        // A blank line (often the last one) is not a row.
                        continue;
                    }

                    if (row.ColCount != _columns.Length)
                    {
                        _diagnostics.Report(DiagnosticCodes.InvalidCsv, _source.Path, row.LineNumberFrom, 1,
                            $"This row has {row.ColCount} field(s) but the header has {_columns.Length}: quote fields that contain '{Printable(separator)}' or a line break, and double quotes inside quotes (\"\").");
                        ordinal++;
                        continue;
                    }

                    if (ordinal >= _source.Limits.MaxExamplesPerFile)
                    {
                        _diagnostics.Report(DiagnosticCodes.TooManyExamplesInFile, _source.Path, row.LineNumberFrom, 1,
                            $"This file has more than {_source.Limits.MaxExamplesPerFile} rows, the limit of {ReaderLimits.PropertyNames.MaxExamplesPerFile}: split the file or raise {ReaderLimits.PropertyNames.MaxExamplesPerFile}. The rest of this file is not read.");
                        break;
                    }

                    if (row.Span.Length > _source.Limits.MaxLineBytes)
                    {
                        _diagnostics.Report(DiagnosticCodes.LineTooLong, _source.Path, row.LineNumberFrom, 1,
                            $"This row is {row.Span.Length} characters, over the limit of {_source.Limits.MaxLineBytes} ({ReaderLimits.PropertyNames.MaxLineBytes}): shorten it or raise {ReaderLimits.PropertyNames.MaxLineBytes}. The row is skipped.");
                        ordinal++;
                        continue;
                    }

                    example = ReadRow(row);
                }
                catch (DecoderFallbackException)
                {
                    // Rows before the invalid byte have been read (as in YAML); the rest of the file is not.
                    ReportInvalidUtf8();
                    yield break;
                }
                catch (InvalidDataException ex)
                {
                    _diagnostics.Report(DiagnosticCodes.InvalidCsv, _source.Path, nextLine, 1,
                        $"{FirstLine(ex.Message)}: every row needs as many fields as the header ({_columns.Length}); quote fields that contain '{Printable(separator)}'.");
                    yield break;
                }
                catch (NotSupportedException)
                {
                    // Sep holds a row in one buffer of at most 16,777,216 characters; a longer row (or a stray quote
                    // that makes the rest of the file one field) cannot be read on.
                    _diagnostics.Report(DiagnosticCodes.InvalidCsv, _source.Path, nextLine, 1,
                        "A row from here is longer than 16,777,216 characters, the most the CSV/TSV reader can hold: look for a quote that is never closed (it makes the rest of the file one field), or split the data. The rest of this file is not read.");
                    yield break;
                }
                catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or IndexOutOfRangeException or OverflowException)
                {
                    _diagnostics.Report(DiagnosticCodes.InvalidCsv, _source.Path, nextLine, 1,
                        $"The CSV/TSV reader could not read on from here ({FirstLine(ex.Message)}). The rest of this file is not read.");
                    yield break;
                }

                if (example is not null)
                {
                    yield return new SourceRecord(example, ordinal);
                }

                ordinal++;
            }
        }
    }

    /// <summary>
    /// The file as text for Sep: strict UTF-8 (a UTF-8 BOM is skipped, any other BOM is invalid UTF-8 as before),
    /// read 64 KB at a time from an unbuffered file stream.
    /// </summary>
    private static TextReader OpenText(string path)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        return new StreamReader(stream, StrictUtf8WithBom, detectEncodingFromByteOrderMarks: false, bufferSize: ReadBufferBytes);
    }

    /// <summary>Locates the first invalid byte (only on this error path, so valid files are read once).</summary>
    private void ReportInvalidUtf8()
    {
        var at = Utf8Text.FindInvalidInFile(_source.Path);
        _diagnostics.Report(DiagnosticCodes.InvalidUtf8, _source.Path, at?.Line ?? 0, at?.Column ?? 0, "Invalid UTF-8 byte sequence: save the file as UTF-8.");
    }

    /// <summary>Chooses how rows become examples and checks every placeholder names a column.</summary>
    private bool PrepareMapping()
    {
        _idColumn = IndexOf("id");
        _splitColumn = IndexOf("split");
        var ok = true;
        if (_source.HasChatTemplates)
        {
            Add(_chatMessages, "system", _source.SystemMessage, "SystemMessage", ref ok);
            Add(_chatMessages, "user", _source.UserTemplate, "UserTemplate", ref ok);
            Add(_chatMessages, "assistant", _source.AssistantTemplate, "AssistantTemplate", ref ok);
            return ok;
        }

        var promptTemplate = _source.PromptTemplate ?? (IndexOf("prompt") >= 0 ? "{" + _columns[IndexOf("prompt")] + "}" : null);
        var completionTemplate = _source.CompletionTemplate ?? (IndexOf("completion") >= 0 ? "{" + _columns[IndexOf("completion")] + "}" : null);
        if (promptTemplate is null && completionTemplate is null)
        {
            _diagnostics.Report(DiagnosticCodes.MissingTemplate, _source.Path, 1, 1,
                $"No 'prompt' and 'completion' columns (columns: {string.Join(", ", _columns)}): rename the columns, or give the item "
                + "PromptTemplate and CompletionTemplate metadata (or SystemMessage, UserTemplate and AssistantTemplate for chat), e.g. PromptTemplate=\"{Text}\".");
            return false;
        }

        Add(_completionFields, "prompt", promptTemplate, "PromptTemplate", ref ok);
        Add(_completionFields, "completion", completionTemplate, "CompletionTemplate", ref ok);

        // A prompt or completion column used as it is was no template the user wrote: an empty cell there is the
        // binder's "empty prompt/completion" (or open-ended generation), not "a template uses {completion}".
        foreach (var (key, template) in _completionFields)
        {
            if ((key == "prompt" ? _source.PromptTemplate : _source.CompletionTemplate) is null)
            {
                _implicitTemplates.Add(template);
            }
        }

        return ok;
    }

    private void Add(List<(string, TextTemplate)> fields, string key, string? template, string metadataName, ref bool ok)
    {
        if (template is null)
        {
            return;
        }

        var parsed = TextTemplate.Parse(template, out var error);
        if (parsed is null)
        {
            _diagnostics.Report(DiagnosticCodes.UnknownPlaceholder, _source.Path, 1, 1, $"{metadataName} \"{template}\" is not a valid template: {error}.");
            ok = false;
            return;
        }

        foreach (var name in parsed.Placeholders)
        {
            if (IndexOf(name) < 0)
            {
                _diagnostics.Report(DiagnosticCodes.UnknownPlaceholder, _source.Path, 1, 1,
                    $"{metadataName} uses {{{name}}}, but the header has no column '{name}' (columns: {string.Join(", ", _columns)}).");
                ok = false;
            }
        }

        fields.Add((key, parsed));
    }

    private ObjectNode? ReadRow(SepReader.Row row)
    {
        var line = row.LineNumberFrom;
        var cells = new Cell[row.ColCount];
        var rowSpan = row.Span;
        var position = new RowPosition(line);
        for (var i = 0; i < cells.Length; i++)
        {
            var cellSpan = row[i].Span;
            if (cellSpan.Length > _source.Limits.MaxValueBytes)
            {
                var (cellLine, cellColumn) = position.Advance(rowSpan, OffsetIn(rowSpan, cellSpan));
                _diagnostics.Report(DiagnosticCodes.ValueTooLarge, _source.Path, cellLine, cellColumn,
                    $"This cell is {cellSpan.Length} characters, over the limit of {_source.Limits.MaxValueBytes} ({ReaderLimits.PropertyNames.MaxValueBytes}): shorten it or raise {ReaderLimits.PropertyNames.MaxValueBytes}. The row is skipped.");
                return null;
            }

            cells[i] = ReadCell(rowSpan, cellSpan, ref position);
            if (cells[i].Unterminated)
            {
                _diagnostics.Report(DiagnosticCodes.InvalidCsv, _source.Path, cells[i].Line, cells[i].Column,
                    "This quoted field has no closing quote: close it, or double the quotes inside it (\"\").");
                return null;
            }
        }

        var properties = new List<Property>();
        var ok = true;
        if (_chatMessages.Count > 0)
        {
            var messages = new List<Node>();
            foreach (var (role, template) in _chatMessages)
            {
                var content = Fill(template, cells, line, ref ok);
                messages.Add(new ObjectNode(
                [
                    new Property("role", line, 1, new ScalarNode(ScalarKind.String, role, line, 1)),
                    new Property("content", content.Line, content.Column, content),
                ], line, 1));
            }

            properties.Add(new Property("messages", line, 1, new ArrayNode(messages, line, 1)));
        }
        else
        {
            foreach (var (key, template) in _completionFields)
            {
                var value = Fill(template, cells, line, ref ok);
                properties.Add(new Property(key, value.Line, value.Column, value));
            }
        }

        if (!ok)
        {
            return null;
        }

        AddMetadataCell(properties, "id", _idColumn, cells);
        AddMetadataCell(properties, "split", _splitColumn, cells);
        return new ObjectNode(properties, line, 1);
    }

    private static void AddMetadataCell(List<Property> properties, string key, int column, Cell[] cells)
    {
        if (column >= 0 && column < cells.Length && cells[column].Text.Length > 0)
        {
            var cell = cells[column];
            properties.Add(new Property(key, cell.Line, cell.Column, new ScalarNode(ScalarKind.String, cell.Text, cell.Line, cell.Column)));
        }
    }

    /// <summary>Fills a template from the row; an empty cell it uses is an error at that cell.</summary>
    private ScalarNode Fill(TextTemplate template, Cell[] cells, int rowLine, ref bool ok)
    {
        // A template of one part (the usual "{prompt}") takes that part's string itself instead of a copy.
        var text = template.Parts.Count == 1 ? null : new StringBuilder();
        string? whole = null;
        var segments = new List<TextSegment>(template.Parts.Count);
        (int Line, int Column)? first = null;
        for (var i = 0; i < template.Parts.Count; i++)
        {
            // Indexed: a foreach over the interface boxes an enumerator per cell.
            var part = template.Parts[i];
            if (part.Literal is not null)
            {
                segments.Add(new TextSegment(text?.Length ?? 0, part.Literal.Length, rowLine, 1));
                whole = part.Literal;
                text?.Append(part.Literal);
                continue;
            }

            var index = IndexOf(part.Column!);
            var cell = index < cells.Length ? cells[index] : new Cell("", rowLine, 1, false);
            if (cell.Text.Length == 0 && !_implicitTemplates.Contains(template))
            {
                _diagnostics.Report(DiagnosticCodes.EmptyCell, _source.Path, cell.Line, cell.Column,
                    $"The '{_columns[index]}' cell is empty, but a template uses {{{part.Column}}}: fill it in or remove the row.");
                ok = false;
            }

            first ??= (cell.Line, cell.Column);
            segments.Add(new TextSegment(text?.Length ?? 0, cell.Text.Length, cell.Line, cell.TextColumn));
            whole = cell.Text;
            text?.Append(cell.Text);
        }

        // A field that is exactly one cell is located at the cell; a composed one at the row's first cell used.
        var (line, column) = first ?? (rowLine, 1);
        return new ScalarNode(ScalarKind.String, text?.ToString() ?? whole ?? "", line, column) { Segments = segments };
    }

    /// <summary>A cell's text, where it starts (at its opening quote, if quoted) and whether it was quoted.</summary>
    private readonly record struct Cell(string Text, int Line, int Column, bool Unterminated, bool Quoted = false)
    {
        /// <summary>The column of the cell's first character of text (after an opening quote).</summary>
        public int TextColumn => Quoted ? Column + 1 : Column;
    }

    /// <summary>
    /// Where the cells of a row are: line and column found from the previous cell's (cells come in order), so a
    /// row of 50,000 cells is read in linear time rather than counting from the row start for each.
    /// </summary>
    private struct RowPosition(int rowLine)
    {
        private int _offset;
        private int _line = rowLine;
        private int _lastNewline = -1;

        public (int Line, int Column) Advance(ReadOnlySpan<char> row, int offset)
        {
            if (offset > _offset)
            {
                var between = row[_offset..offset];
                var newlines = between.Count('\n');
                if (newlines > 0)
                {
                    _line += newlines;
                    _lastNewline = _offset + between.LastIndexOf('\n');
                }

                _offset = offset;
            }

            return (_line, offset - _lastNewline);
        }
    }

    private static int OffsetIn(ReadOnlySpan<char> row, ReadOnlySpan<char> cell)
    {
        // Sep's cells are slices of the row's buffer, so the distance between their starts is the cell's offset
        // (taken by reference: an empty span still points at its place in the row).
        var offset = (int)(System.Runtime.CompilerServices.Unsafe.ByteOffset(
            ref System.Runtime.InteropServices.MemoryMarshal.GetReference(row),
            ref System.Runtime.InteropServices.MemoryMarshal.GetReference(cell)) / sizeof(char));
        return Math.Clamp(offset, 0, row.Length);
    }

    /// <summary>Unquotes a cell and finds its physical line and column from its offset in the row's text.</summary>
    private static Cell ReadCell(ReadOnlySpan<char> row, ReadOnlySpan<char> cell, ref RowPosition position)
    {
        var (line, column) = position.Advance(row, OffsetIn(row, cell));
        if (cell.Length > 0 && cell[0] == '"')
        {
            var closed = cell.Length >= 2 && CountTrailingQuotes(cell) % 2 == 1;
            var inner = closed ? cell[1..^1] : cell[1..];
            return new Cell(inner.ToString().Replace("\"\"", "\""), line, column, !closed, Quoted: true);
        }

        return new Cell(cell.ToString(), line, column, false);
    }

    private static int CountTrailingQuotes(ReadOnlySpan<char> cell)
    {
        // Counts the quotes ending the field after the opening one: odd means the field is closed.
        var count = 0;
        for (var i = cell.Length - 1; i >= 1 && cell[i] == '"'; i--)
        {
            count++;
        }

        return count;
    }

    private int IndexOf(string name)
    {
        var exact = Array.IndexOf(_columns, name);
        if (exact >= 0)
        {
            return exact;
        }

        for (var i = 0; i < _columns.Length; i++)
        {
            if (string.Equals(_columns[i], name, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return -1;
    }

    private static string Unquote(string name)
    {
        var trimmed = name.Trim();
        return trimmed.Length >= 2 && trimmed[0] == '"' && trimmed[^1] == '"' ? trimmed[1..^1].Replace("\"\"", "\"") : trimmed;
    }

    private static string FirstLine(string message)
    {
        var newline = message.IndexOf('\n');
        return newline >= 0 ? message[..newline].TrimEnd() : message;
    }

    private static string Printable(char separator) => separator == '\t' ? "\\t" : separator.ToString();
}
