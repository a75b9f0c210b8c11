using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Unicode;
using FineTune.Build.Diagnostics;
using FineTune.Build.Documents;
using FineTune.Build.Sources;

namespace FineTune.Build.Compilation;

/// <summary>
/// What the reading pass found, kept for the compile pass when the task must be inferred before any example can be
/// bound: each source's records and, between them, the diagnostics the reader reported, in order. Replaying gives
/// the compile pass the same records and diagnostics as reading the file again, without parsing it twice. Held in
/// memory up to <see cref="MemoryBudget"/> bytes, then in a temporary file beside the outputs that is deleted on
/// dispose (and by the next compile or clean, as every <c>*.tmp</c> there is).
/// </summary>
public sealed class RecordSpool : IDisposable
{
    /// <summary>Bytes kept in memory before the spool moves to a file.</summary>
    public const int DefaultMemoryBudget = 16 << 20;

    private const byte RecordTag = 1;
    private const byte DiagnosticTag = 2;
    private const byte EndOfSourceTag = 3;

    private const byte ScalarTag = 0;
    private const byte ArrayTag = 1;
    private const byte ObjectTag = 2;

    private readonly string _directory;
    private readonly string _name;
    private readonly long _memoryBudget;
    private Stream _stream = new MemoryStream();
    private BinaryWriter _writer;
    private BinaryReader? _reader;
    private byte[] _buffer = [];

    public RecordSpool(string directory, string name, long memoryBudget = DefaultMemoryBudget)
    {
        _directory = directory;
        _name = name;
        _memoryBudget = memoryBudget;
        _writer = new BinaryWriter(_stream, Encoding.UTF8, leaveOpen: true);
    }

    public long MemoryBudget => _memoryBudget;

    /// <summary>The temporary file, once the spool outgrew memory; else null.</summary>
    public string? FilePath { get; private set; }

    public void AddDiagnostics(IReadOnlyList<ReceivedDiagnostic> diagnostics)
    {
        foreach (var d in diagnostics)
        {
            _writer.Write(DiagnosticTag);
            WriteString(d.Code);
            _writer.Write((byte)d.DefaultSeverity);
            _writer.Write(d.File is not null);
            if (d.File is not null)
            {
                WriteString(d.File);
            }

            _writer.Write(d.Line);
            _writer.Write(d.Column);
            WriteString(d.Message);
        }

        SpillIfFull();
    }

    public void AddRecord(SourceRecord record)
    {
        _writer.Write(RecordTag);
        _writer.Write(record.Ordinal);
        WriteNode(record.Node);
        SpillIfFull();
    }

    public void EndSource() => _writer.Write(EndOfSourceTag);

    /// <summary>
    /// The next source's records, in the order they were added; its diagnostics are reported to
    /// <paramref name="diagnostics"/> at the points the reader reported them. Sources are replayed in the order added.
    /// </summary>
    public IEnumerable<SourceRecord> Replay(DiagnosticCollector diagnostics)
    {
        if (_reader is null)
        {
            _writer.Flush();
            _stream.Position = 0;
            _reader = new BinaryReader(_stream, Encoding.UTF8, leaveOpen: true);
        }

        while (true)
        {
            switch (_reader.ReadByte())
            {
                case RecordTag:
                    var ordinal = _reader.ReadInt32();
                    yield return new SourceRecord((ObjectNode)ReadNode(), ordinal);
                    break;
                case DiagnosticTag:
                    var code = ReadString();
                    var severity = (DiagnosticSeverity)_reader.ReadByte();
                    var file = _reader.ReadBoolean() ? ReadString() : null;
                    var line = _reader.ReadInt32();
                    var column = _reader.ReadInt32();
                    diagnostics.Report(code, severity, file, line, column, ReadString());
                    break;
                default:
                    yield break;
            }
        }
    }

    public void Dispose()
    {
        _reader?.Dispose();
        _writer.Dispose();
        _stream.Dispose();
        if (FilePath is not null)
        {
            try
            {
                File.Delete(FilePath);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // DeleteOnClose already removed it where the OS supports that; else the next compile does.
            }
        }
    }

    private void SpillIfFull()
    {
        if (FilePath is not null || _stream.Length < _memoryBudget)
        {
            return;
        }

        Directory.CreateDirectory(_directory);
        var path = Path.Combine(_directory, $"{_name}.{Guid.NewGuid():N}.spool.tmp");
        var file = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose);
        FilePath = path;
        _writer.Flush();
        ((MemoryStream)_stream).WriteTo(file);
        _writer.Dispose();
        _stream.Dispose();
        _stream = file;
        _writer = new BinaryWriter(_stream, Encoding.UTF8, leaveOpen: true);
    }

    // Nesting is bounded by the readers' FineTuneMaxNestingDepth (and its ceiling), as in the binder.
    private void WriteNode(Node node)
    {
        switch (node)
        {
            case ScalarNode scalar:
                _writer.Write(ScalarTag);
                _writer.Write(scalar.Line);
                _writer.Write(scalar.Column);
                _writer.Write((byte)scalar.Kind);
                WriteString(scalar.Text);
                _writer.Write(scalar.IsBlock);
                _writer.Write(scalar.AddedPrefix);
                _writer.Write(scalar.Segments?.Count ?? -1);
                foreach (var segment in scalar.Segments ?? [])
                {
                    _writer.Write(segment.Start);
                    _writer.Write(segment.Length);
                    _writer.Write(segment.Line);
                    _writer.Write(segment.Column);
                }

                break;
            case ArrayNode array:
                _writer.Write(ArrayTag);
                _writer.Write(array.Line);
                _writer.Write(array.Column);
                _writer.Write(array.Items.Count);
                foreach (var item in array.Items)
                {
                    WriteNode(item);
                }

                break;
            case ObjectNode obj:
                _writer.Write(ObjectTag);
                _writer.Write(obj.Line);
                _writer.Write(obj.Column);
                _writer.Write(obj.Properties.Count);
                foreach (var property in obj.Properties)
                {
                    WriteString(property.Name);
                    _writer.Write(property.Line);
                    _writer.Write(property.Column);
                    WriteNode(property.Value);
                }

                break;
            default:
                throw new InvalidOperationException($"Unknown node type {node.GetType().Name}.");
        }
    }

    private Node ReadNode()
    {
        var tag = _reader!.ReadByte();
        var line = _reader.ReadInt32();
        var column = _reader.ReadInt32();
        switch (tag)
        {
            case ScalarTag:
                var kind = (ScalarKind)_reader.ReadByte();
                var text = ReadString();
                var isBlock = _reader.ReadBoolean();
                var addedPrefix = _reader.ReadInt32();
                var count = _reader.ReadInt32();
                TextSegment[]? segments = null;
                if (count >= 0)
                {
                    segments = new TextSegment[count];
                    for (var i = 0; i < count; i++)
                    {
                        segments[i] = new TextSegment(_reader.ReadInt32(), _reader.ReadInt32(), _reader.ReadInt32(), _reader.ReadInt32());
                    }
                }

                return new ScalarNode(kind, text, line, column) { IsBlock = isBlock, AddedPrefix = addedPrefix, Segments = segments };
            case ArrayTag:
                var items = new List<Node>(_reader.ReadInt32());
                for (var i = items.Capacity; i > 0; i--)
                {
                    items.Add(ReadNode());
                }

                return new ArrayNode(items, line, column);
            default:
                var properties = new List<Property>(_reader.ReadInt32());
                for (var i = properties.Capacity; i > 0; i--)
                {
                    var name = ReadString();
                    var propertyLine = _reader.ReadInt32();
                    var propertyColumn = _reader.ReadInt32();
                    properties.Add(new Property(name, propertyLine, propertyColumn, ReadNode()));
                }

                return new ObjectNode(properties, line, column);
        }
    }

    // UTF-8 when the text is valid UTF-16 (almost always: half the bytes of ASCII text); a lone surrogate, which
    // some escapes can produce, goes as UTF-16 so the text comes back exactly.
    private void WriteString(string text)
    {
        var max = Encoding.UTF8.GetMaxByteCount(text.Length);
        var rented = max <= 1024 ? null : ArrayPool<byte>.Shared.Rent(max);
        Span<byte> bytes = rented ?? stackalloc byte[max];
        if (Utf8.FromUtf16(text, bytes, out _, out var written, replaceInvalidSequences: false) == OperationStatus.Done)
        {
            _writer.Write7BitEncodedInt(written << 1);
            _writer.Write(bytes[..written]);
        }
        else
        {
            _writer.Write7BitEncodedInt((text.Length << 1) | 1);
            _writer.Write(MemoryMarshal.AsBytes(text.AsSpan()));
        }

        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private string ReadString()
    {
        var header = _reader!.Read7BitEncodedInt();
        var length = header >> 1;
        if ((header & 1) != 0)
        {
            return string.Create(length, _reader.BaseStream, static (chars, stream) => stream.ReadExactly(MemoryMarshal.AsBytes(chars)));
        }

        if (_buffer.Length < length)
        {
            _buffer = new byte[Math.Max(length, 4096)];
        }

        _reader.BaseStream.ReadExactly(_buffer, 0, length);
        return Encoding.UTF8.GetString(_buffer, 0, length);
    }
}
