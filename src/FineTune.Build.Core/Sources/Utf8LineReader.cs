using System.Buffers;

namespace FineTune.Build.Sources;

/// <summary>
/// Reads a stream line by line as raw UTF-8 bytes (no decoding, no per-line string). A line ends at '\n', "\r\n"
/// or a lone '\r' (as YAML and CSV readers accept). A UTF-8 BOM at the start is skipped. The buffer grows to the
/// longest line up to <c>maxLineBytes</c>; a longer line is skipped without being held whole
/// (<see cref="LastLineTooLong"/>), so memory is bounded by the limit, not the file.
/// </summary>
internal sealed class Utf8LineReader : IDisposable
{
    private readonly Stream _stream;
    private readonly long _maxLineBytes;
    private byte[] _buffer;
    private int _start;
    private int _end;
    private bool _eof;
    private bool _first = true;
    private int _lineNumber;

    public Utf8LineReader(Stream stream, int initialSize = 64 * 1024, long maxLineBytes = 64L * 1024 * 1024)
    {
        _stream = stream;
        _maxLineBytes = Math.Min(maxLineBytes, Array.MaxLength / 2);
        _buffer = ArrayPool<byte>.Shared.Rent(initialSize);
    }

    /// <summary>True when the last line returned was longer than the limit: its bytes were dropped (the line is empty).</summary>
    public bool LastLineTooLong { get; private set; }

    /// <summary>The length in bytes of the last line returned, also when it was too long to keep.</summary>
    public long LastLineLength { get; private set; }

    /// <summary>Returns the next line (valid until the next call) and its 1-based number.</summary>
    public bool TryReadLine(out ReadOnlyMemory<byte> line, out int lineNumber)
    {
        var scanFrom = _start;
        long dropped = 0;
        LastLineTooLong = false;
        while (true)
        {
            var index = _buffer.AsSpan(scanFrom, _end - scanFrom).IndexOfAny((byte)'\n', (byte)'\r');
            if (index >= 0)
            {
                index += scanFrom;
                var next = index + 1;
                if (_buffer[index] == (byte)'\r')
                {
                    if (next == _end && !_eof)
                    {
                        // A '\r' at the end of what is buffered: read on to see whether '\n' follows.
                        scanFrom = index;
                        Fill(ref scanFrom, ref dropped);
                        continue;
                    }

                    if (next < _end && _buffer[next] == (byte)'\n')
                    {
                        next++;
                    }
                }

                line = Finish(_start, index, dropped);
                _start = next;
                lineNumber = ++_lineNumber;
                return true;
            }

            if (_eof)
            {
                if (_start < _end || dropped > 0)
                {
                    line = Finish(_start, _end, dropped);
                    _start = _end;
                    lineNumber = ++_lineNumber;
                    return true;
                }

                line = default;
                lineNumber = _lineNumber;
                return false;
            }

            scanFrom = _end;
            Fill(ref scanFrom, ref dropped);
        }
    }

    private ReadOnlyMemory<byte> Finish(int start, int end, long dropped)
    {
        if (_first)
        {
            _first = false;
            if (dropped == 0 && end - start >= 3 && _buffer[start] == 0xEF && _buffer[start + 1] == 0xBB && _buffer[start + 2] == 0xBF)
            {
                start += 3;
            }
        }

        LastLineLength = dropped + (end - start);
        if (LastLineLength > _maxLineBytes)
        {
            LastLineTooLong = true;
            return ReadOnlyMemory<byte>.Empty;
        }

        return new ReadOnlyMemory<byte>(_buffer, start, end - start);
    }

    private void Fill(ref int scanFrom, ref long dropped)
    {
        // A line over the limit is not kept: drop what is buffered of it (keeping a final '\r') and count it.
        if (_end - _start > _maxLineBytes)
        {
            var keep = _buffer[_end - 1] == (byte)'\r' ? 1 : 0;
            dropped += _end - _start - keep;
            _start = _end - keep;
            scanFrom = _start;
        }

        // Move the partial line to the front, grow when a single line fills the buffer, then read more.
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            scanFrom -= _start;
            _end -= _start;
            _start = 0;
        }

        if (_end == _buffer.Length)
        {
            var bigger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)_buffer.Length * 2, Array.MaxLength));
            Buffer.BlockCopy(_buffer, 0, bigger, 0, _end);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = bigger;
        }

        var read = _stream.Read(_buffer, _end, _buffer.Length - _end);
        if (read == 0)
        {
            _eof = true;
        }

        _end += read;
    }

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
    }
}
