using System.Text;
using FineTune.Build.Diagnostics;
using FineTune.Build.Documents;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace FineTune.Build.Sources;

/// <summary>
/// Reads YAML sources with YamlDotNet's event parser, one example at a time (a document is never loaded whole).
/// A document is either a list of examples or a mapping with an <c>examples:</c> list. Anchors, aliases and
/// merge keys (<c>&lt;&lt;: *defaults</c>) work, so examples can share a system message.
/// </summary>
public sealed class YamlSourceReader
{
    private readonly SourceFile _source;
    private readonly DiagnosticCollector _diagnostics;
    private readonly Dictionary<string, Node> _anchors = new(StringComparer.Ordinal);
    private IParser _parser = null!;
    private int _ordinal;

    private YamlSourceReader(SourceFile source, DiagnosticCollector diagnostics)
    {
        _source = source;
        _diagnostics = diagnostics;
    }

    public static IEnumerable<SourceRecord> Read(SourceFile source, DiagnosticCollector diagnostics)
        => new YamlSourceReader(source, diagnostics).ReadAll();

    private enum State
    {
        DocumentStart,
        InExamples,
        AfterExamples,
    }

    private IEnumerable<SourceRecord> ReadAll()
    {
        using var stream = JsonlSourceReader.OpenOrReport(_source, _diagnostics);
        if (stream is null)
        {
            yield break;
        }

        using var text = new StreamReader(stream, Utf8Text.StrictEncoding, detectEncodingFromByteOrderMarks: true);
        _parser = new Parser(text);
        while (true)
        {
            ObjectNode? example;
            bool more;
            try
            {
                more = TryReadNext(out example);
            }
            catch (YamlException ex)
            {
                var (line, column) = ex.Start.Line > 0 ? ((int)ex.Start.Line, (int)ex.Start.Column) : (0, 0);
                _diagnostics.Report(DiagnosticCodes.InvalidYaml, _source.Path, line, column, $"YAML syntax error: {Clean(ex)}");
                yield break;
            }
            catch (DecoderFallbackException)
            {
                var at = Utf8Text.FindInvalidInFile(_source.Path);
                _diagnostics.Report(DiagnosticCodes.InvalidUtf8, _source.Path, at?.Line ?? 0, at?.Column ?? 0,
                    "Invalid UTF-8 byte sequence: save the file as UTF-8.");
                yield break;
            }

            if (!more)
            {
                yield break;
            }

            if (example is not null)
            {
                yield return new SourceRecord(example, _ordinal++);
            }
        }
    }

    private State _state = State.DocumentStart;
    private bool _started;

    /// <summary>
    /// Advances to the next example. Returns false at the end of the stream; returns true with a null example when
    /// an item was skipped after a diagnostic.
    /// </summary>
    private bool TryReadNext(out ObjectNode? example)
    {
        example = null;
        if (!_started)
        {
            _parser.Consume<StreamStart>();
            _started = true;
        }

        while (true)
        {
            switch (_state)
            {
                case State.DocumentStart:
                    if (_parser.TryConsume<StreamEnd>(out _))
                    {
                        return false;
                    }

                    _parser.Consume<DocumentStart>();
                    _anchors.Clear();
                    if (_parser.Accept<SequenceStart>(out _))
                    {
                        _parser.Consume<SequenceStart>();
                        _state = State.InExamples;
                    }
                    else if (_parser.Accept<MappingStart>(out var mapping))
                    {
                        _parser.Consume<MappingStart>();
                        if (!SeekExamplesKey(mapping))
                        {
                            _parser.Consume<DocumentEnd>();
                            continue;
                        }

                        _state = State.InExamples;
                    }
                    else
                    {
                        var node = ReadNode();
                        if (!(node is ScalarNode { Kind: ScalarKind.Plain or ScalarKind.Null } s && (s.Text.Length == 0 || s.Text is "~" or "null")))
                        {
                            Report(DiagnosticCodes.InvalidDocumentShape, node,
                                "A YAML source must be a list of examples or a mapping with an 'examples:' list.");
                        }

                        _parser.Consume<DocumentEnd>();
                    }

                    continue;

                case State.InExamples:
                    if (_parser.TryConsume<SequenceEnd>(out _))
                    {
                        _state = State.AfterExamples;
                        continue;
                    }

                    var item = ReadNode();
                    if (item is ObjectNode obj)
                    {
                        example = obj;
                        return true;
                    }

                    Report(DiagnosticCodes.InvalidDocumentShape, item, $"Each example must be a mapping of fields, not {item.KindName}.");
                    return true;

                case State.AfterExamples:
                    // Keys after 'examples:' in a top-level mapping, then the document end.
                    if (_parser.TryConsume<MappingEnd>(out _))
                    {
                        continue;
                    }

                    if (_parser.Accept<DocumentEnd>(out _))
                    {
                        _parser.Consume<DocumentEnd>();
                        _state = State.DocumentStart;
                        continue;
                    }

                    ReportTopLevelKey();
                    continue;
            }
        }
    }

    /// <summary>Skips (and reports) top-level keys until 'examples:'; false when the mapping has none.</summary>
    private bool SeekExamplesKey(MappingStart mapping)
    {
        var seen = false;
        while (!_parser.TryConsume<MappingEnd>(out _))
        {
            var key = ReadNode();
            if (key is ScalarNode { Text: "examples" })
            {
                seen = true;
                if (_parser.Accept<SequenceStart>(out _))
                {
                    _parser.Consume<SequenceStart>();
                    return true;
                }

                var value = ReadNode();
                if (!(value is ScalarNode { Kind: ScalarKind.Plain } empty && empty.Text.Length == 0))
                {
                    Report(DiagnosticCodes.InvalidDocumentShape, value, $"'examples:' must be a list of examples, not {value.KindName}.");
                }

                continue;
            }

            ReportUnknownTopLevel(key);
            ReadNode();
        }

        if (!seen)
        {
            _diagnostics.Report(DiagnosticCodes.InvalidDocumentShape, _source.Path, (int)mapping.Start.Line, (int)mapping.Start.Column,
                "This YAML mapping has no 'examples:' list: a source is a list of examples or a mapping with an 'examples:' list.");
        }

        return false;
    }

    private void ReportTopLevelKey()
    {
        var key = ReadNode();
        ReportUnknownTopLevel(key);
        ReadNode();
    }

    private void ReportUnknownTopLevel(Node key)
    {
        // 'x-' keys hold shared definitions for anchors (as in docker-compose files); anything else is a mistake.
        if (key is ScalarNode { Text: var name } && name.StartsWith("x-", StringComparison.Ordinal))
        {
            return;
        }

        Report(DiagnosticCodes.UnknownKey, key,
            $"Unknown top-level key '{(key as ScalarNode)?.Text}': a YAML source's top level has only 'examples:' (and 'x-' keys for shared anchors).");
    }

    private Node ReadNode()
    {
        if (_parser.TryConsume<AnchorAlias>(out var alias))
        {
            if (_anchors.TryGetValue(alias.Value.Value, out var target))
            {
                return target;
            }

            throw new YamlException(alias.Start, alias.End, $"The alias *{alias.Value.Value} refers to no anchor defined before it.");
        }

        if (_parser.TryConsume<Scalar>(out var scalar))
        {
            var explicitString = !scalar.Tag.IsEmpty && !scalar.Tag.IsNonSpecific && scalar.Tag.Value.EndsWith(":str", StringComparison.Ordinal);
            var kind = scalar.Style == ScalarStyle.Plain && !explicitString
                ? ScalarKind.Plain
                : ScalarKind.String;
            var node = new ScalarNode(kind, scalar.Value, (int)scalar.Start.Line, (int)scalar.Start.Column)
            {
                IsBlock = scalar.Style is ScalarStyle.Literal,
            };
            Remember(scalar.Anchor, node);
            return node;
        }

        if (_parser.TryConsume<SequenceStart>(out var sequence))
        {
            var items = new List<Node>();
            while (!_parser.TryConsume<SequenceEnd>(out _))
            {
                items.Add(ReadNode());
            }

            var node = new ArrayNode(items, (int)sequence.Start.Line, (int)sequence.Start.Column);
            Remember(sequence.Anchor, node);
            return node;
        }

        var start = _parser.Consume<MappingStart>();
        var properties = new List<Property>();
        var merged = new List<Property>();
        while (!_parser.TryConsume<MappingEnd>(out _))
        {
            var key = ReadNode();
            var value = ReadNode();
            if (key is not ScalarNode keyScalar)
            {
                Report(DiagnosticCodes.WrongType, key, $"A key must be a plain name, not {key.KindName}.");
                continue;
            }

            if (keyScalar.Kind == ScalarKind.Plain && keyScalar.Text == "<<")
            {
                Merge(merged, value);
                continue;
            }

            if (start.Style == MappingStyle.Flow && JoinCommaSplit(properties, keyScalar, value))
            {
                continue;
            }

            if (ObjectNode.Contains(properties, keyScalar.Text))
            {
                Report(DiagnosticCodes.DuplicateKey, keyScalar, $"The key '{keyScalar.Text}' appears twice in this mapping: keep one.");
                continue;
            }

            properties.Add(new Property(keyScalar.Text, keyScalar.Line, keyScalar.Column, value));
        }

        // Merged keys (YAML merge, <<) apply only where the mapping does not set the key itself.
        foreach (var property in merged)
        {
            if (!ObjectNode.Contains(properties, property.Name))
            {
                properties.Add(property);
            }
        }

        var mappingNode = new ObjectNode(properties, (int)start.Start.Line, (int)start.Start.Column);
        Remember(start.Anchor, mappingNode);
        return mappingNode;
    }

    /// <summary>
    /// In a flow mapping a comma ends a plain value, so <c>{role: assistant, content: Paris, as if ...}</c> reads
    /// as a key "as if ..." without a value. That is never a field name: join it back to the previous plain value,
    /// as the writer meant, and warn so the text gets quoted.
    /// </summary>
    private bool JoinCommaSplit(List<Property> properties, ScalarNode key, Node value)
    {
        if (properties.Count == 0
            || key.Kind != ScalarKind.Plain
            || value is not ScalarNode { Kind: ScalarKind.Plain, Text.Length: 0 }
            || properties[^1].Value is not ScalarNode { Kind: ScalarKind.Plain } previous
            || previous.Text.Length == 0
            || !key.Text.Contains(' '))
        {
            return false;
        }

        properties[^1].Value = new ScalarNode(ScalarKind.Plain, previous.Text + ", " + key.Text, previous.Line, previous.Column);
        _diagnostics.Report(DiagnosticCodes.CommaInFlowMapping, _source.Path, key.Line, key.Column,
            $"A comma inside {{...}} ends a value, so '{properties[^1].Name}' was cut at it; the text was joined back. Quote it: {properties[^1].Name}: \"{previous.Text}, {key.Text}\".");
        return true;
    }

    private void Merge(List<Property> merged, Node value)
    {
        var sources = value is ArrayNode list ? list.Items : [value];
        foreach (var source in sources)
        {
            if (source is not ObjectNode obj)
            {
                Report(DiagnosticCodes.WrongType, source, $"A merge key (<<) needs a mapping or a list of mappings, not {source.KindName}.");
                continue;
            }

            foreach (var property in obj.Properties)
            {
                if (!ObjectNode.Contains(merged, property.Name))
                {
                    merged.Add(property);
                }
            }
        }
    }

    private void Remember(AnchorName anchor, Node node)
    {
        if (!anchor.IsEmpty)
        {
            _anchors[anchor.Value] = node;
        }
    }

    private void Report(DiagnosticDescriptor descriptor, Node node, string message)
        => _diagnostics.Report(descriptor, _source.Path, node.Line, node.Column, message);

    private static string Clean(YamlException ex)
    {
        // YamlDotNet prefixes "(Line: 3, Col: 5, Idx: 20) - (Line: ...): " which the location already gives.
        var message = ex.InnerException is YamlException inner ? inner.Message : ex.Message;
        var cut = message.LastIndexOf("): ", StringComparison.Ordinal);
        return cut >= 0 && message.StartsWith("(Line:", StringComparison.Ordinal) ? message[(cut + 3)..] : message;
    }
}
