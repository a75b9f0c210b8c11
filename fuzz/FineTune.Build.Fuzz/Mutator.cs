using System.Text;

namespace FineTune.Build.Fuzz;

/// <summary>
/// Deterministic mutations of a seed: bit flips, interesting bytes, truncation, insertion, deletion, repeats,
/// splicing with another seed, line moves and structural YAML/CSV/JSON tokens. The same seed and random state give
/// the same input, so every finding can be replayed from its number.
/// </summary>
public sealed class Mutator
{
    /// <summary>Inputs are cut to this size: the harness looks for crashes and hangs, not for the readers' limits.</summary>
    public const int MaxInputBytes = 64 * 1024;

    private static readonly byte[] InterestingBytes = "\0\n\r\t \"'\\:,{}[]-&*!|>#%@`?<=~.0".Select(c => (byte)c).Concat(new byte[] { 0x7F, 0x80, 0xBF, 0xC0, 0xC3, 0xE2, 0xEF, 0xF0, 0xFE, 0xFF }).ToArray();

    private static readonly string[] Tokens =
    [
        "&a ", "*a", "&b [*a, *a, *a]", "<<: *a\n", "? ", "- ", "!!binary ", "!!str ", "!!int ", "!tag ", "{", "}", "[", "]", "\"", "'", "|\n", ">-\n", "|+2\n",
        "---\n", "...\n", "%YAML 1.2\n", "%TAG ! tag:x,2000:\n", "\t", "\uFEFF", "\u2028", "\u0085", "\\u0000", "\\ud800", "\\", "\\\"", "\"\"", ",,,,", "\r\n", "\r",
        "null", "true", "1e999", "-0", "0x1F", "~", "{\"role\": \"user\", \"content\": \"x\"}", "[[[[[[[[", "]]]]]]]]", "{{", "}}", "{Company}", "{missing}", "{{x}}",
        "\"messages\": [", "\"prompt\": ", "\"completion\": ", "messages:\n  - role: user\n    content: hi\n", "prompt: |\n  text\n", "x-: &z\n", "<|endoftext|>",
        "sk-proj-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGH", "\"a\"\"b\"", "\"unterminated", "=cmd|", "\t\t\t", "# comment\n", ": ", " #", "'''", "\u00e9", "\ud83d\ude00",
    ];

    private readonly Random _random;
    private readonly IReadOnlyList<byte[]> _seeds;

    public Mutator(IReadOnlyList<byte[]> seeds, int seed)
    {
        if (seeds.Count == 0)
        {
            throw new ArgumentException("At least one seed is needed.", nameof(seeds));
        }

        _seeds = seeds;
        _random = new Random(seed);
    }

    /// <summary>The next input: a seed with one to five stacked mutations.</summary>
    public byte[] Next()
    {
        var data = new List<byte>(_seeds[_random.Next(_seeds.Count)]);
        var count = 1 + _random.Next(_random.Next(4) == 0 ? 12 : 5);
        for (var i = 0; i < count; i++)
        {
            Mutate(data);
            if (data.Count > MaxInputBytes)
            {
                data.RemoveRange(MaxInputBytes, data.Count - MaxInputBytes);
            }
        }

        return [.. data];
    }

    private void Mutate(List<byte> data)
    {
        var at = data.Count == 0 ? 0 : _random.Next(data.Count + 1);
        switch (_random.Next(14))
        {
            case 0:
                // Bit flips.
                for (var n = 1 + _random.Next(8); n > 0 && data.Count > 0; n--)
                {
                    var i = _random.Next(data.Count);
                    data[i] ^= (byte)(1 << _random.Next(8));
                }

                break;
            case 1:
                if (data.Count > 0)
                {
                    data[_random.Next(data.Count)] = InterestingBytes[_random.Next(InterestingBytes.Length)];
                }

                break;
            case 2:
                // Truncation.
                data.RemoveRange(at, data.Count - at);
                break;
            case 3:
            case 4:
                data.InsertRange(at, Encoding.UTF8.GetBytes(Tokens[_random.Next(Tokens.Length)]));
                break;
            case 5:
                // Random bytes.
                var bytes = new byte[1 + _random.Next(16)];
                _random.NextBytes(bytes);
                data.InsertRange(at, bytes);
                break;
            case 6:
                // Deletion of a range.
                if (at < data.Count)
                {
                    data.RemoveRange(at, Math.Min(data.Count - at, 1 + _random.Next(64)));
                }

                break;
            case 7:
                // A range repeated (deep nesting, long runs, many keys).
                if (at < data.Count)
                {
                    var length = Math.Min(data.Count - at, 1 + _random.Next(_random.Next(2) == 0 ? 4 : 64));
                    var chunk = data.GetRange(at, length);
                    var times = 1 + _random.Next(_random.Next(3) == 0 ? 2000 : 16);
                    for (var t = 0; t < times && data.Count < MaxInputBytes; t++)
                    {
                        data.InsertRange(at, chunk);
                    }
                }

                break;
            case 8:
                // Splicing: this input's head and another seed's tail.
                var other = _seeds[_random.Next(_seeds.Count)];
                var from = other.Length == 0 ? 0 : _random.Next(other.Length);
                data.RemoveRange(at, data.Count - at);
                data.AddRange(other.AsSpan(from).ToArray());
                break;
            case 9:
            case 10:
                MutateLines(data);
                break;
            case 11:
                // One character repeated: the tokenizer's and scanners' long runs.
                var c = (byte)"a \t-{[\"#x,9"[_random.Next(11)];
                data.InsertRange(at, Enumerable.Repeat(c, 1 + _random.Next(_random.Next(2) == 0 ? 20000 : 300)));
                break;
            case 12:
                // Indentation of a line changed (YAML structure).
                var lineStart = data.Count == 0 ? 0 : data.LastIndexOf((byte)'\n', Math.Min(data.Count - 1, Math.Max(0, at - 1))) + 1;
                if (_random.Next(2) == 0 && lineStart < data.Count && data[lineStart] == (byte)' ')
                {
                    data.RemoveAt(lineStart);
                }
                else
                {
                    data.InsertRange(lineStart, Enumerable.Repeat((byte)' ', 1 + _random.Next(4)));
                }

                break;
            default:
                // A delimiter or quote where a value was (CSV cells, JSON strings).
                var delimiter = "\",\t\n:'"[_random.Next(6)];
                data.Insert(at, (byte)delimiter);
                break;
        }
    }

    private void MutateLines(List<byte> data)
    {
        var lines = Split(data);
        if (lines.Count == 0)
        {
            return;
        }

        var a = _random.Next(lines.Count);
        var b = _random.Next(lines.Count);
        switch (_random.Next(4))
        {
            case 0:
                (lines[a], lines[b]) = (lines[b], lines[a]);
                break;
            case 1:
                lines.Insert(b, lines[a]);
                break;
            case 2:
                lines.RemoveAt(a);
                break;
            default:
                var times = 1 + _random.Next(200);
                for (var t = 0; t < times; t++)
                {
                    lines.Insert(b, lines[a]);
                }

                break;
        }

        data.Clear();
        for (var i = 0; i < lines.Count; i++)
        {
            data.AddRange(lines[i]);
            if (i < lines.Count - 1)
            {
                data.Add((byte)'\n');
            }

            if (data.Count > MaxInputBytes)
            {
                break;
            }
        }
    }

    private static List<byte[]> Split(List<byte> data)
    {
        var lines = new List<byte[]>();
        var start = 0;
        for (var i = 0; i <= data.Count; i++)
        {
            if (i == data.Count || data[i] == (byte)'\n')
            {
                lines.Add(data.GetRange(start, i - start).ToArray());
                start = i + 1;
            }
        }

        return lines;
    }
}
