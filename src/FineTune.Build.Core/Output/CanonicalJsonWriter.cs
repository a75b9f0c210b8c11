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
                Put((byte)'[');
                for (var i = 0; i < array.Items.Count; i++)
                {
                    if (i > 0)
                    {
                        Put((byte)',');
                        Put((byte)' ');
                    }

                    WriteValue(array.Items[i]);
                }

                Put((byte)']');
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
        foreach (var c in value)
        {
            switch (c)
            {
                case '"':
                    buffer[at++] = (byte)'\\';
                    buffer[at++] = (byte)'"';
                    break;
                case '\\':
                    buffer[at++] = (byte)'\\';
                    buffer[at++] = (byte)'\\';
                    break;
                case '\n':
                    buffer[at++] = (byte)'\\';
                    buffer[at++] = (byte)'n';
                    break;
                case '\r':
                    buffer[at++] = (byte)'\\';
                    buffer[at++] = (byte)'r';
                    break;
                case '\t':
                    buffer[at++] = (byte)'\\';
                    buffer[at++] = (byte)'t';
                    break;
                case '\b':
                    buffer[at++] = (byte)'\\';
                    buffer[at++] = (byte)'b';
                    break;
                case '\f':
                    buffer[at++] = (byte)'\\';
                    buffer[at++] = (byte)'f';
                    break;
                default:
                    if (c < 0x20 || c > 0x7E)
                    {
                        // Python escapes control characters and everything outside ASCII, surrogates one by one.
                        buffer[at++] = (byte)'\\';
                        buffer[at++] = (byte)'u';
                        buffer[at++] = Hex[(c >> 12) & 0xF];
                        buffer[at++] = Hex[(c >> 8) & 0xF];
                        buffer[at++] = Hex[(c >> 4) & 0xF];
                        buffer[at++] = Hex[c & 0xF];
                    }
                    else
                    {
                        buffer[at++] = (byte)c;
                    }

                    break;
            }
        }

        buffer[at++] = (byte)'"';
        _length = at;
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
