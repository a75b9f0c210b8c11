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
    /// <summary>Bytes the text reader takes from the file at a time.</summary>
    private const int ReadBufferBytes = 64 * 1024;

    private readonly SourceFile _source;
    private readonly DiagnosticCollector _diagnostics;
    private readonly Dictionary<string, Anchored> _anchors = new(StringComparer.Ordinal);
    private readonly ReaderLimits _limits;
    private IParser _parser = null!;
    private int _ordinal;

    // The current example's expanded size and alias uses (aliased values counted in full, as they are uploaded),
    // and how deep the parser is in lists and mappings (to skip the rest of an example that exceeded a limit).
    private long _size;
    private long _aliases;
    private int _level;

    // Anchors whose values are being read, and anchors whose values were skipped after a limit: an alias to one of
    // those repeats that error instead of calling the anchor undefined (which would end reading the file).
    private readonly HashSet<string> _pending = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DiagnosticDescriptor> _skipped = new(StringComparer.Ordinal);

    /// <summary>A node with an anchor, with the expanded size, alias uses and height it adds wherever it is aliased.</summary>
    private readonly record struct Anchored(Node Node, long Size, long Aliases, int Height);

    private YamlSourceReader(SourceFile source, DiagnosticCollector diagnostics)
    {
        _source = source;
        _diagnostics = diagnostics;
        _limits = source.Limits;
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

        // The file stream is unbuffered (JSONL reads big blocks itself): without a large reader buffer every
        // 1 KB the scanner asks for would be one read system call.
        var text = new BoundedTextReader(
            new StreamReader(stream, Utf8Text.StrictEncoding, detectEncodingFromByteOrderMarks: true, bufferSize: ReadBufferBytes),
            _limits.MaxValueBytes,
            () => _parser.Current?.End.Index ?? 0);
        using var disposeText = text;
        text.TokenTooLong += () =>
        {
            var at = _parser.Current?.End ?? Mark.Empty;
            throw new ReaderLimitException(DiagnosticCodes.ValueTooLarge, (int)Math.Max(1, at.Line), (int)Math.Max(1, at.Column),
                $"A value (scalar or comment) after this point is longer than {_limits.MaxValueBytes} characters, the limit of {ReaderLimits.PropertyNames.MaxValueBytes}: shorten it or raise {ReaderLimits.PropertyNames.MaxValueBytes}. The rest of this file is not read.")
            {
                StopsFile = true,
            };
        };
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
            catch (ReaderLimitException ex)
            {
                // Only limits that leave the parser unusable (a value too long to scan, too many examples) get here.
                _diagnostics.Report(ex.Descriptor, _source.Path, ex.Line, ex.Column, ex.Message);
                yield break;
            }
            catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or FormatException or OverflowException or IndexOutOfRangeException)
            {
                // YamlDotNet's scanner throws these (not YamlException) on some malformed inputs: still a syntax error here.
                var at = _parser.Current?.End ?? Mark.Empty;
                _diagnostics.Report(DiagnosticCodes.InvalidYaml, _source.Path, (int)at.Line, (int)at.Column,
                    $"YAML syntax error after this point: the YAML reader could not go on ({ex.Message}).");
                yield break;
            }

            if (!more)
            {
                yield break;
            }

            if (example is not null)
            {
                if (_ordinal >= _limits.MaxExamplesPerFile)
                {
                    _diagnostics.Report(DiagnosticCodes.TooManyExamplesInFile, _source.Path, example.Line, example.Column,
                        $"This file has more than {_limits.MaxExamplesPerFile} examples, the limit of {ReaderLimits.PropertyNames.MaxExamplesPerFile}: split the file or raise {ReaderLimits.PropertyNames.MaxExamplesPerFile}. The rest of this file is not read.");
                    yield break;
                }

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
                    _skipped.Clear();
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
                        var node = ReadTop();
                        if (node is not null && !(node is ScalarNode { Kind: ScalarKind.Plain or ScalarKind.Null } s && (s.Text.Length == 0 || s.Text is "~" or "null")))
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

                    var item = ReadTop();
                    if (item is null)
                    {
                        return true;
                    }

                    if (item is ObjectNode obj)
                    {
                        if (ExampleLimits.Check(obj, _source, _diagnostics))
                        {
                            example = obj;
                        }

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
            var key = ReadTop();
            if (key is null)
            {
                ReadTop();
                continue;
            }

            if (key is ScalarNode { Text: "examples" })
            {
                seen = true;
                if (_parser.Accept<SequenceStart>(out _))
                {
                    _parser.Consume<SequenceStart>();
                    return true;
                }

                var value = ReadTop();
                if (value is not null && !(value is ScalarNode { Kind: ScalarKind.Plain } empty && empty.Text.Length == 0))
                {
                    Report(DiagnosticCodes.InvalidDocumentShape, value, $"'examples:' must be a list of examples, not {value.KindName}.");
                }

                continue;
            }

            ReportUnknownTopLevel(key);
            ReadTop();
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
        var key = ReadTop();
        if (key is not null)
        {
            ReportUnknownTopLevel(key);
        }

        ReadTop();
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

    /// <summary>
    /// Reads one top-level value (an example, a top-level key or its value) with fresh limit counters. When it exceeds
    /// a limit, reports that, skips the rest of the value (iteratively) and returns null; the file reads on.
    /// </summary>
    private Node? ReadTop()
    {
        _size = 0;
        _aliases = 0;
        var level = _level;
        try
        {
            return ReadNode(1, out _);
        }
        catch (ReaderLimitException ex) when (!ex.StopsFile)
        {
            _diagnostics.Report(ex.Descriptor, _source.Path, ex.Line, ex.Column, ex.Message);
            foreach (var name in _pending)
            {
                _skipped[name] = ex.Descriptor;
            }

            _pending.Clear();
            SkipTo(level);
            return null;
        }
    }

    /// <summary>Consumes events until the parser is back at <paramref name="level"/> of nesting (no recursion).</summary>
    private void SkipTo(int level)
    {
        while (_level > level)
        {
            var next = _parser.Consume<ParsingEvent>();
            if (next is SequenceStart or MappingStart)
            {
                _level++;
            }
            else if (next is SequenceEnd or MappingEnd)
            {
                _level--;
            }
        }
    }

    private ReaderLimitException Limit(DiagnosticDescriptor descriptor, Mark at, string what, long limit, string property)
        => new(descriptor, (int)at.Line, (int)at.Column,
            $"{what}, over the limit of {limit} ({property}): {(descriptor == DiagnosticCodes.NestingTooDeep ? "flatten it" : "make it smaller")} or raise {property}. This example is skipped.");

    /// <summary>
    /// Reads a value at nesting <paramref name="depth"/> (an example is at 1) and gives its height (1 for a scalar).
    /// Recursion is bounded: a list or mapping deeper than the nesting limit is an error before it is entered.
    /// </summary>
    private Node ReadNode(int depth, out int height)
    {
        if (_parser.TryConsume<AnchorAlias>(out var alias))
        {
            if (!_anchors.TryGetValue(alias.Value.Value, out var target) && _skipped.TryGetValue(alias.Value.Value, out var skipped))
            {
                throw new ReaderLimitException(skipped, (int)alias.Start.Line, (int)alias.Start.Column,
                    $"The alias *{alias.Value.Value} refers to a value that was skipped after error {skipped.Code}: fix that value. This example is skipped.");
            }

            if (target.Node is null)
            {
                throw new YamlException(alias.Start, alias.End, $"The alias *{alias.Value.Value} refers to no anchor defined before it.");
            }

            // An alias repeats its value where it is used: count it as if written out.
            _aliases += 1 + target.Aliases;
            if (_aliases > _limits.MaxAliases)
            {
                throw Limit(DiagnosticCodes.TooManyAliases, alias.Start, $"This example uses {_aliases} YAML aliases (counting those inside aliased values)", _limits.MaxAliases, ReaderLimits.PropertyNames.MaxAliases);
            }

            AddSize(target.Size, alias.Start);
            if (depth - 1 + target.Height > _limits.MaxNestingDepth)
            {
                throw Limit(DiagnosticCodes.NestingTooDeep, alias.Start, $"The alias *{alias.Value.Value} nests values {depth - 1 + target.Height} levels deep", _limits.MaxNestingDepth, ReaderLimits.PropertyNames.MaxNestingDepth);
            }

            height = target.Height;
            return target.Node;
        }

        var sizeBefore = _size;
        var aliasesBefore = _aliases;
        if (_parser.Current is NodeEvent { Anchor.IsEmpty: false } anchored)
        {
            _pending.Add(anchored.Anchor.Value);
        }
        if (_parser.TryConsume<Scalar>(out var scalar))
        {
            if (scalar.Value.Length > _limits.MaxValueBytes)
            {
                throw Limit(DiagnosticCodes.ValueTooLarge, scalar.Start, $"This value is {scalar.Value.Length} characters", _limits.MaxValueBytes, ReaderLimits.PropertyNames.MaxValueBytes);
            }

            AddSize(scalar.Value.Length + 1, scalar.Start);
            var explicitString = !scalar.Tag.IsEmpty && !scalar.Tag.IsNonSpecific && scalar.Tag.Value.EndsWith(":str", StringComparison.Ordinal);
            var kind = scalar.Style == ScalarStyle.Plain && !explicitString
                ? ScalarKind.Plain
                : ScalarKind.String;
            var node = new ScalarNode(kind, scalar.Value, (int)scalar.Start.Line, (int)scalar.Start.Column)
            {
                IsBlock = scalar.Style is ScalarStyle.Literal,
            };
            height = 1;
            Remember(scalar.Anchor, node, sizeBefore, aliasesBefore, height);
            return node;
        }

        var open = _parser.Current;
        if (open is SequenceStart or MappingStart && depth > _limits.MaxNestingDepth)
        {
            // Skipping the rest is not safe: YamlDotNet's scanner takes time quadratic in the depth of what follows.
            throw new ReaderLimitException(DiagnosticCodes.NestingTooDeep, (int)open.Start.Line, (int)open.Start.Column,
                $"Lists and mappings are nested more than {_limits.MaxNestingDepth} levels deep here, over the limit of {_limits.MaxNestingDepth} ({ReaderLimits.PropertyNames.MaxNestingDepth}): flatten it or raise {ReaderLimits.PropertyNames.MaxNestingDepth}. The rest of this file is not read.")
            {
                StopsFile = true,
            };
        }

        if (_parser.TryConsume<SequenceStart>(out var sequence))
        {
            _level++;
            AddSize(1, sequence.Start);
            var items = new List<Node>();
            var childHeight = 0;
            while (!_parser.TryConsume<SequenceEnd>(out _))
            {
                items.Add(ReadNode(depth + 1, out var itemHeight));
                childHeight = Math.Max(childHeight, itemHeight);
            }

            _level--;
            var node = new ArrayNode(items, (int)sequence.Start.Line, (int)sequence.Start.Column);
            height = childHeight + 1;
            Remember(sequence.Anchor, node, sizeBefore, aliasesBefore, height);
            return node;
        }

        var start = _parser.Consume<MappingStart>();
        _level++;
        AddSize(1, start.Start);
        var properties = new List<Property>();
        var merged = new List<Property>();
        // Duplicate checks by set once a mapping is large: a linear scan per key is quadratic in keys.
        HashSet<string>? names = null;
        HashSet<string>? mergedNames = null;
        var keys = 0;
        var maxHeight = 0;
        while (!_parser.TryConsume<MappingEnd>(out _))
        {
            var key = ReadNode(depth + 1, out var keyHeight);
            var value = ReadNode(depth + 1, out var valueHeight);
            maxHeight = Math.Max(maxHeight, Math.Max(keyHeight, valueHeight));
            if (++keys > _limits.MaxKeysPerObject)
            {
                throw Limit(DiagnosticCodes.TooManyKeys, start.Start, $"This mapping has more than {_limits.MaxKeysPerObject} keys", _limits.MaxKeysPerObject, ReaderLimits.PropertyNames.MaxKeysPerObject);
            }

            if (key is not ScalarNode keyScalar)
            {
                Report(DiagnosticCodes.WrongType, key, $"A key must be a plain name, not {key.KindName}.");
                continue;
            }

            if (keyScalar.Kind == ScalarKind.Plain && keyScalar.Text == "<<")
            {
                Merge(merged, ref mergedNames, value);
                continue;
            }

            if (start.Style == MappingStyle.Flow && JoinCommaSplit(properties, keyScalar, value))
            {
                continue;
            }

            if (Contains(properties, ref names, keyScalar.Text))
            {
                Report(DiagnosticCodes.DuplicateKey, keyScalar, $"The key '{keyScalar.Text}' appears twice in this mapping: keep one.");
                continue;
            }

            properties.Add(new Property(keyScalar.Text, keyScalar.Line, keyScalar.Column, value));
            names?.Add(keyScalar.Text);
        }

        _level--;

        // Merged keys (YAML merge, <<) apply only where the mapping does not set the key itself.
        foreach (var property in merged)
        {
            if (!Contains(properties, ref names, property.Name))
            {
                properties.Add(property);
                names?.Add(property.Name);
            }
        }

        var mappingNode = new ObjectNode(properties, (int)start.Start.Line, (int)start.Start.Column);
        height = maxHeight + 1;
        Remember(start.Anchor, mappingNode, sizeBefore, aliasesBefore, height);
        return mappingNode;
    }

    /// <summary>Whether <paramref name="properties"/> has the key: a scan while small, a set (built once) when large.</summary>
    private static bool Contains(List<Property> properties, ref HashSet<string>? names, string name)
    {
        if (names is null && properties.Count > 16)
        {
            names = new HashSet<string>(properties.Select(p => p.Name), StringComparer.Ordinal);
        }

        return names?.Contains(name) ?? ObjectNode.Contains(properties, name);
    }

    private void AddSize(long size, Mark at)
    {
        _size += size;
        if (_size > _limits.MaxExampleBytes)
        {
            throw Limit(DiagnosticCodes.ExampleTooLarge, at, $"This example is more than {_limits.MaxExampleBytes} characters with its YAML aliases expanded", _limits.MaxExampleBytes, ReaderLimits.PropertyNames.MaxExampleBytes);
        }
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

    private void Merge(List<Property> merged, ref HashSet<string>? mergedNames, Node value)
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
                if (!Contains(merged, ref mergedNames, property.Name))
                {
                    merged.Add(property);
                    mergedNames?.Add(property.Name);
                }
            }
        }
    }

    private void Remember(AnchorName anchor, Node node, long sizeBefore, long aliasesBefore, int height)
    {
        if (!anchor.IsEmpty)
        {
            _pending.Remove(anchor.Value);
            _skipped.Remove(anchor.Value);
            _anchors[anchor.Value] = new Anchored(node, _size - sizeBefore, _aliases - aliasesBefore, height);
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
