using System.Buffers;
using System.Text;
using FineTune.Build.Documents;

namespace FineTune.Build.Output;

/// <summary>
/// Serializes bound examples in one canonical form: byte for byte what Python's <c>json.dumps(example)</c> writes
/// (", " and ": " separators, non-ASCII as lowercase \uXXXX escapes), the form of OpenAI's own tools and examples.
/// UTF-8 without BOM. Same example, same bytes, on any machine. The compiler writes these bytes plus '\n' per line.
/// </summary>
public sealed class CanonicalJsonWriter
{
    private static readonly byte[] Hex = "0123456789abcdef"u8.ToArray();

    /// <summary>Characters written as themselves: printable ASCII except the quote and the backslash.</summary>
    private static readonly SearchValues<char> Verbatim = SearchValues.Create(
        string.Concat(Enumerable.Range(0x20, 0x7F - 0x20).Select(c => (char)c).Where(c => c is not ('"' or '\\'))));

    // One writer per thread: examples are serialized several times each (identity, output, hashes) and the compile
    // is bound by allocation, so the buffer grows to the largest example and is reused.
    [ThreadStatic]
    private static CanonicalJsonWriter? t_writer;

    private byte[] _buffer = new byte[16 * 1024];
    private int _length;

    private CanonicalJsonWriter()
    {
    }

    /// <summary>The canonical bytes of one value (without a line break).</summary>
    public static byte[] ToBytes(Node node)
    {
        var writer = t_writer ??= new CanonicalJsonWriter();
        writer._length = 0;
        writer.WriteValue(node);
        return writer._buffer.AsSpan(0, writer._length).ToArray();
    }

    /// <summary>
    /// The canonical bytes of one value in this thread's buffer, for hashing without a copy: valid only until the
    /// next call on this thread.
    /// </summary>
    internal static ReadOnlySpan<byte> Serialize(Node node)
    {
        var writer = t_writer ??= new CanonicalJsonWriter();
        writer._length = 0;
        writer.WriteValue(node);
        return writer._buffer.AsSpan(0, writer._length);
    }

    /// <summary>
    /// The canonical bytes of a list of the first <paramref name="count"/> items (what <see cref="ToBytes"/> writes
    /// for an array of them), in this thread's buffer: valid only until the next call on this thread.
    /// </summary>
    internal static ReadOnlySpan<byte> SerializeList(List<Node> items, int count)
    {
        var writer = t_writer ??= new CanonicalJsonWriter();
        writer._length = 0;
        writer.WriteItems(items, count);
        return writer._buffer.AsSpan(0, writer._length);
    }

    /// <summary>
    /// The UTF-8 bytes of a string (as <see cref="Encoding.UTF8"/> encodes it) in this thread's buffer: valid only
    /// until the next call on this thread.
    /// </summary>
    internal static ReadOnlySpan<byte> Utf8(string text)
    {
        var writer = t_writer ??= new CanonicalJsonWriter();
        writer._length = 0;
        writer.Ensure(Encoding.UTF8.GetMaxByteCount(text.Length));
        return writer._buffer.AsSpan(0, Encoding.UTF8.GetBytes(text.AsSpan(), writer._buffer.AsSpan()));
    }

    private void WriteItems(List<Node> items, int count)
    {
        Put((byte)'[');
        for (var i = 0; i < count; i++)
        {
            if (i > 0)
            {
                Put((byte)',');
                Put((byte)' ');
            }

            WriteValue(items[i]);
        }

        Put((byte)']');
    }

    private void WriteValue(Node node)
    {
        switch (node)
        {
            case ObjectNode obj:
                Put((byte)'{');
                for (var i = 0; i < obj.Properties.Count; i++)
                {
                    if (i > 0)
                    {
                        Put((byte)',');
                        Put((byte)' ');
                    }

                    WriteString(obj.Properties[i].Name);
                    Put((byte)':');
                    Put((byte)' ');
                    WriteValue(obj.Properties[i].Value);
                }

                Put((byte)'}');
                break;
            case ArrayNode array:
                WriteItems(array.Items, array.Items.Count);
                break;
            case ScalarNode scalar:
                switch (scalar.Kind)
                {
                    case ScalarKind.Number:
                        WriteAscii(scalar.Text);
                        break;
                    case ScalarKind.True:
                        WriteAscii("true");
                        break;
                    case ScalarKind.False:
                        WriteAscii("false");
                        break;
                    case ScalarKind.Null:
                        WriteAscii("null");
                        break;
                    default:
                        WriteString(scalar.Text);
                        break;
                }

                break;
        }
    }

    private void WriteString(string value)
    {
        Ensure(value.Length * 6 + 2);
        var buffer = _buffer;
        var at = _length;
        buffer[at++] = (byte)'"';
        var rest = value.AsSpan();
        while (rest.Length > 0)
        {
            // Most text is printable ASCII that is copied as is: find the next character to escape with a vectorized
            // search and narrow the run before it in one call, instead of a switch per character.
            var run = rest.IndexOfAnyExcept(Verbatim);
            if (run < 0)
            {
                run = rest.Length;
            }

            if (run > 0)
            {
                Ascii.FromUtf16(rest[..run], buffer.AsSpan(at), out var written);
                at += written;
                rest = rest[run..];
                if (rest.Length == 0)
                {
                    break;
                }
            }

            at = Escape(rest[0], buffer, at);
            rest = rest[1..];
        }

        buffer[at++] = (byte)'"';
        _length = at;
    }

    /// <summary>Writes one character that is not copied verbatim as Python's json.dumps escapes it.</summary>
    private static int Escape(char c, byte[] buffer, int at)
    {
        buffer[at++] = (byte)'\\';
        switch (c)
        {
            case '"':
                buffer[at++] = (byte)'"';
                break;
            case '\\':
                buffer[at++] = (byte)'\\';
                break;
            case '\n':
                buffer[at++] = (byte)'n';
                break;
            case '\r':
                buffer[at++] = (byte)'r';
                break;
            case '\t':
                buffer[at++] = (byte)'t';
                break;
            case '\b':
                buffer[at++] = (byte)'b';
                break;
            case '\f':
                buffer[at++] = (byte)'f';
                break;
            default:
                // Python escapes control characters and everything outside ASCII, surrogates one by one.
                buffer[at++] = (byte)'u';
                buffer[at++] = Hex[(c >> 12) & 0xF];
                buffer[at++] = Hex[(c >> 8) & 0xF];
                buffer[at++] = Hex[(c >> 4) & 0xF];
                buffer[at++] = Hex[c & 0xF];
                break;
        }

        return at;
    }

    private void WriteAscii(string text)
    {
        Ensure(text.Length);
        _length += Encoding.ASCII.GetBytes(text, 0, text.Length, _buffer, _length);
    }

    private void Put(byte value)
    {
        Ensure(1);
        _buffer[_length++] = value;
    }

    private void Ensure(int count)
    {
        if (_length + count > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + count));
        }
    }
}
