using System.Buffers;

namespace FineTune.Build.Sources;

/// <summary>
/// Reads a stream line by line as raw UTF-8 bytes (no decoding, no per-line string), splitting on '\n' and
/// dropping a trailing '\r'. A UTF-8 BOM at the start is skipped. Lines of any length are supported; the buffer
/// grows to the longest line, so memory is bounded by the longest line, not the file.
/// </summary>
internal sealed class Utf8LineReader : IDisposable
{
    private readonly Stream _stream;
    private byte[] _buffer;
    private int _start;
    private int _end;
    private bool _eof;
    private bool _first = true;
    private int _lineNumber;

    public Utf8LineReader(Stream stream, int initialSize = 64 * 1024)
    {
        _stream = stream;
        _buffer = ArrayPool<byte>.Shared.Rent(initialSize);
    }

    /// <summary>Returns the next line (valid until the next call) and its 1-based number.</summary>
    public bool TryReadLine(out ReadOnlyMemory<byte> line, out int lineNumber)
    {
        var scanFrom = _start;
        while (true)
        {
            var newline = Array.IndexOf(_buffer, (byte)'\n', scanFrom, _end - scanFrom);
            if (newline >= 0)
            {
                line = Trim(_start, newline);
                _start = newline + 1;
                lineNumber = ++_lineNumber;
                return true;
            }

            if (_eof)
            {
                if (_start < _end)
                {
                    line = Trim(_start, _end);
                    _start = _end;
                    lineNumber = ++_lineNumber;
                    return true;
                }

                line = default;
                lineNumber = _lineNumber;
                return false;
            }

            scanFrom = _end;
            Fill(ref scanFrom);
        }
    }

    private ReadOnlyMemory<byte> Trim(int start, int end)
    {
        if (_first)
        {
            _first = false;
            if (end - start >= 3 && _buffer[start] == 0xEF && _buffer[start + 1] == 0xBB && _buffer[start + 2] == 0xBF)
            {
                start += 3;
            }
        }

        if (end > start && _buffer[end - 1] == (byte)'\r')
        {
            end--;
        }

        return new ReadOnlyMemory<byte>(_buffer, start, end - start);
    }

    private void Fill(ref int scanFrom)
    {
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
            var bigger = ArrayPool<byte>.Shared.Rent(_buffer.Length * 2);
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
