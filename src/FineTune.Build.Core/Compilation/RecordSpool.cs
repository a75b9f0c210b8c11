using System.Buffers;
using System.Buffers.Binary;
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
    /// <summary>
    /// Bytes kept in memory before the spool moves to a file: a 10k-example dataset's spool stays in memory (a file
    /// cost it 0.03-0.05 s of a 0.3 s compile).
    /// </summary>
    public const int DefaultMemoryBudget = 16 << 20;

    private const int BufferSize = 1 << 16;

    private const byte RecordTag = 1;
    private const byte DiagnosticTag = 2;
    private const byte EndOfSourceTag = 3;

    private const byte ScalarTag = 0;
    private const byte ArrayTag = 1;
    private const byte ObjectTag = 2;

    private readonly string _directory;
    private readonly string _name;
    private readonly long _memoryBudget;
    private Stream _stream;

    // One buffer, written with BinaryPrimitives and moved to the stream 64 KB at a time, then read back the same
    // way: a BinaryWriter/BinaryReader made a virtual stream call per field, which cost more than parsing CSV again.
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
    private int _position;
    private int _end;
    private bool _reading;

    /// <param name="directory">Where the temporary file goes, once the spool outgrows memory.</param>
    /// <param name="name">The dataset's name, which starts the temporary file's name.</param>
    /// <param name="memoryBudget">Bytes kept in memory before the file.</param>
    /// <param name="expectedBytes">
    /// About how large the spool will be (the sources' size), so the memory stream is sized once: doubling its way
    /// up to the budget left 31 MB of outgrown large arrays for a full GC.
    /// </param>
    public RecordSpool(string directory, string name, long memoryBudget = DefaultMemoryBudget, long expectedBytes = 0)
    {
        _stream = new MemoryStream((int)Math.Min(Math.Max(expectedBytes, 0), Math.Min(memoryBudget, int.MaxValue)));
        _directory = directory;
        _name = name;
        _memoryBudget = memoryBudget;
    }

    public long MemoryBudget => _memoryBudget;

    /// <summary>The temporary file, once the spool outgrew memory; else null.</summary>
    public string? FilePath { get; private set; }

    public void AddDiagnostics(IReadOnlyList<ReceivedDiagnostic> diagnostics)
    {
        foreach (var d in diagnostics)
        {
            WriteByte(DiagnosticTag);
            WriteString(d.Code);
            WriteByte((byte)d.DefaultSeverity);
            WriteByte(d.File is null ? (byte)0 : (byte)1);
            if (d.File is not null)
            {
                WriteString(d.File);
            }

            WriteInt(d.Line);
            WriteInt(d.Column);
            WriteString(d.Message);
        }
    }

    public void AddRecord(SourceRecord record)
    {
        WriteByte(RecordTag);
        WriteInt(record.Ordinal);
        WriteNode(record.Node);
    }

    public void EndSource() => WriteByte(EndOfSourceTag);

    /// <summary>
    /// The next source's records, in the order they were added; its diagnostics are reported to
    /// <paramref name="diagnostics"/> at the points the reader reported them. Sources are replayed in the order added.
    /// </summary>
    public IEnumerable<SourceRecord> Replay(DiagnosticCollector diagnostics)
    {
        if (!_reading)
        {
            Flush();
            _stream.Position = 0;
            _position = _end = 0;
            _reading = true;
        }

        while (true)
        {
            switch (ReadByte())
            {
                case RecordTag:
                    var ordinal = ReadInt();
                    yield return new SourceRecord((ObjectNode)ReadNode(), ordinal);
                    break;
                case DiagnosticTag:
                    var code = ReadString();
                    var severity = (DiagnosticSeverity)ReadByte();
                    var file = ReadByte() != 0 ? ReadString() : null;
                    var line = ReadInt();
                    var column = ReadInt();
                    diagnostics.Report(code, severity, file, line, column, ReadString());
                    break;
                default:
                    yield break;
            }
        }
    }

    public void Dispose()
    {
        _stream.Dispose();
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
        }

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

    // Nesting is bounded by the readers' FineTuneMaxNestingDepth (and its ceiling), as in the binder.
    private void WriteNode(Node node)
    {
        switch (node)
        {
            case ScalarNode scalar:
                WriteByte(ScalarTag);
                WriteInt(scalar.Line);
                WriteInt(scalar.Column);
                WriteByte((byte)scalar.Kind);
                WriteString(scalar.Text);
                WriteByte(scalar.IsBlock ? (byte)1 : (byte)0);
                WriteInt(scalar.AddedPrefix);
                WriteInt(scalar.Segments?.Count ?? -1);
                foreach (var segment in scalar.Segments ?? [])
                {
                    WriteInt(segment.Start);
                    WriteInt(segment.Length);
                    WriteInt(segment.Line);
                    WriteInt(segment.Column);
                }

                break;
            case ArrayNode array:
                WriteHeader(ArrayTag, array, array.Items.Count);
                foreach (var item in array.Items)
                {
                    WriteNode(item);
                }

                break;
            case ObjectNode obj:
                WriteHeader(ObjectTag, obj, obj.Properties.Count);
                foreach (var property in obj.Properties)
                {
                    WriteString(property.Name);
                    WriteInt(property.Line);
                    WriteInt(property.Column);
                    WriteNode(property.Value);
                }

                break;
            default:
                throw new InvalidOperationException($"Unknown node type {node.GetType().Name}.");
        }
    }

    private void WriteHeader(byte tag, Node node, int count)
    {
        WriteByte(tag);
        WriteInt(node.Line);
        WriteInt(node.Column);
        WriteInt(count);
    }

    private Node ReadNode()
    {
        var tag = ReadByte();
        var line = ReadInt();
        var column = ReadInt();
        switch (tag)
        {
            case ScalarTag:
                var kind = (ScalarKind)ReadByte();
                var text = ReadString();
                var isBlock = ReadByte() != 0;
                var addedPrefix = ReadInt();
                var count = ReadInt();
                TextSegment[]? segments = null;
                if (count >= 0)
                {
                    segments = new TextSegment[count];
                    for (var i = 0; i < count; i++)
                    {
                        segments[i] = new TextSegment(ReadInt(), ReadInt(), ReadInt(), ReadInt());
                    }
                }

                return new ScalarNode(kind, text, line, column) { IsBlock = isBlock, AddedPrefix = addedPrefix, Segments = segments };
            case ArrayTag:
                var items = new List<Node>(ReadInt());
                for (var i = items.Capacity; i > 0; i--)
                {
                    items.Add(ReadNode());
                }

                return new ArrayNode(items, line, column);
            default:
                var properties = new List<Property>(ReadInt());
                for (var i = properties.Capacity; i > 0; i--)
                {
                    var name = ReadString();
                    var propertyLine = ReadInt();
                    var propertyColumn = ReadInt();
                    properties.Add(new Property(name, propertyLine, propertyColumn, ReadNode()));
                }

                return new ObjectNode(properties, line, column);
        }
    }

    private void WriteByte(byte value)
    {
        Room(1);
        _buffer[_position++] = value;
    }

    private void WriteInt(int value)
    {
        Room(4);
        BinaryPrimitives.WriteInt32LittleEndian(_buffer.AsSpan(_position), value);
        _position += 4;
    }

    // A header of (byte length << 1) | utf16: UTF-8 when the text is valid UTF-16 (almost always); a lone
    // surrogate, which some escapes can produce, goes as UTF-16 so the text comes back exactly.
    private void WriteString(string text)
    {
        var max = (text.Length * 3) + 4;
        if (max <= BufferSize)
        {
            Room(max);
            if (Utf8.FromUtf16(text, _buffer.AsSpan(_position + 4), out _, out var written, replaceInvalidSequences: false) == OperationStatus.Done)
            {
                BinaryPrimitives.WriteInt32LittleEndian(_buffer.AsSpan(_position), written << 1);
                _position += 4 + written;
                return;
            }
        }
        else
        {
            var rented = ArrayPool<byte>.Shared.Rent(max);
            try
            {
                if (Utf8.FromUtf16(text, rented, out _, out var written, replaceInvalidSequences: false) == OperationStatus.Done)
                {
                    WriteInt(written << 1);
                    WriteBytes(rented.AsSpan(0, written));
                    return;
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }

        WriteInt((text.Length << 1) | 1);
        WriteBytes(MemoryMarshal.AsBytes(text.AsSpan()));
    }

    private void WriteBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > BufferSize - _position)
        {
            Flush();
            MoveToFileBefore(bytes.Length);
            _stream.Write(bytes);
            return;
        }

        bytes.CopyTo(_buffer.AsSpan(_position));
        _position += bytes.Length;
    }

    private void Room(int bytes)
    {
        if (_position + bytes > BufferSize)
        {
            Flush();
        }
    }

    /// <summary>Moves the buffer to the stream, which moves to a file first if the buffer would take it past the memory budget.</summary>
    private void Flush()
    {
        MoveToFileBefore(_position);
        _stream.Write(_buffer, 0, _position);
        _position = 0;
    }

    // Before the write, not after: a memory stream written past its capacity doubles it (a 32 MB copy of a 16 MB
    // spool) just before the file takes over.
    private void MoveToFileBefore(int bytes)
    {
        if (FilePath is not null || _stream.Length + bytes <= _memoryBudget)
        {
            return;
        }

        Directory.CreateDirectory(_directory);
        var path = Path.Combine(_directory, $"{_name}.{Guid.NewGuid():N}.spool.tmp");
        var file = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
        FilePath = path;
        ((MemoryStream)_stream).WriteTo(file);
        _stream.Dispose();
        _stream = file;
    }

    private byte ReadByte()
    {
        Fill(1);
        return _buffer[_position++];
    }

    private int ReadInt()
    {
        Fill(4);
        var value = BinaryPrimitives.ReadInt32LittleEndian(_buffer.AsSpan(_position));
        _position += 4;
        return value;
    }

    private string ReadString()
    {
        var header = ReadInt();
        var length = header >> 1;
        if ((header & 1) != 0)
        {
            return string.Create(length, this, static (chars, spool) => spool.ReadBytes(MemoryMarshal.AsBytes(chars)));
        }

        if (length <= BufferSize)
        {
            Fill(length);
            var text = Encoding.UTF8.GetString(_buffer, _position, length);
            _position += length;
            return text;
        }

        var rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            ReadBytes(rented.AsSpan(0, length));
            return Encoding.UTF8.GetString(rented, 0, length);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private void ReadBytes(Span<byte> into)
    {
        var buffered = Math.Min(into.Length, _end - _position);
        _buffer.AsSpan(_position, buffered).CopyTo(into);
        _position += buffered;
        if (buffered < into.Length)
        {
            _stream.ReadExactly(into[buffered..]);
        }
    }

    /// <summary>Makes <paramref name="bytes"/> (at most the buffer's size) readable at the position.</summary>
    private void Fill(int bytes)
    {
        if (_end - _position >= bytes)
        {
            return;
        }

        var kept = _end - _position;
        Buffer.BlockCopy(_buffer, _position, _buffer, 0, kept);
        _position = 0;
        _end = kept;
        while (_end < bytes)
        {
            var read = _stream.Read(_buffer, _end, BufferSize - _end);
            if (read == 0)
            {
                throw new EndOfStreamException("The spool ended early.");
            }

            _end += read;
        }
    }
}
