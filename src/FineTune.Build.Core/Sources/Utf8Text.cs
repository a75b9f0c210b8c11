using System.Text;

namespace FineTune.Build.Sources;

/// <summary>Helpers for locating positions in UTF-8 text as 1-based line and character column.</summary>
internal static class Utf8Text
{
    public static readonly UTF8Encoding StrictEncoding = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The 1-based column of the character that starts at <paramref name="byteOffset"/> in a line.</summary>
    public static int ColumnOf(ReadOnlySpan<byte> line, int byteOffset)
        => Encoding.UTF8.GetCharCount(line[..Math.Min(byteOffset, line.Length)]) + 1;

    /// <summary>The byte offset of the first invalid UTF-8 sequence in a line, or -1.</summary>
    public static int FindInvalid(ReadOnlySpan<byte> bytes)
    {
        // The vectorized check first: decoding rune by rune is only needed to locate an error.
        if (System.Text.Unicode.Utf8.IsValid(bytes))
        {
            return -1;
        }

        var offset = 0;
        while (offset < bytes.Length)
        {
            var status = System.Text.Rune.DecodeFromUtf8(bytes[offset..], out _, out var consumed);
            if (status != System.Buffers.OperationStatus.Done)
            {
                return offset;
            }

            offset += consumed;
        }

        return -1;
    }

    /// <summary>Scans a file for the first invalid UTF-8 sequence; returns its line and column, or null.</summary>
    public static (int Line, int Column)? FindInvalidInFile(string path)
    {
        using var stream = File.OpenRead(path);
        using var lines = new Utf8LineReader(stream);
        while (lines.TryReadLine(out var line, out var number))
        {
            var bad = FindInvalid(line.Span);
            if (bad >= 0)
            {
                return (number, ColumnOf(line.Span, bad));
            }
        }

        return null;
    }
}

/// <summary>
/// Character columns of increasing byte offsets in one line, each found from the previous one: linear in the line,
/// where counting from the line start for every token is quadratic (200,000 tokens on one line).
/// </summary>
internal sealed class Utf8ColumnCursor
{
    private int _offset;
    private int _column = 1;

    /// <summary>The 1-based column of the character at <paramref name="byteOffset"/> (any offset; fastest when increasing).</summary>
    public int ColumnOf(ReadOnlySpan<byte> line, int byteOffset)
    {
        byteOffset = Math.Clamp(byteOffset, 0, line.Length);
        if (byteOffset < _offset)
        {
            _offset = 0;
            _column = 1;
        }

        _column += Encoding.UTF8.GetCharCount(line[_offset..byteOffset]);
        _offset = byteOffset;
        return _column;
    }
}
