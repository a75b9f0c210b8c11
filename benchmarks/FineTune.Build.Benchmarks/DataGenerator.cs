using System.Globalization;
using System.Text;
using System.Text.Json;

namespace FineTune.Build.Benchmarks;

/// <summary>
/// Deterministic benchmark data: the same seed and count give the same bytes on every machine. Texts are sentences
/// of common English words with numbers, punctuation and a few accented words, so the tokenizer's word cache sees
/// a realistic mix of hits and misses. Shapes: seed-style prompt/completion CSV (about 1.2 KB a row, like the
/// issue's 48.7 MB / 39,169-row file), chat JSONL and the same chat as YAML (about 650 bytes an example), and
/// preference JSONL.
/// </summary>
public static class DataGenerator
{
    private static readonly string[] Words =
    [
        "the", "a", "customer", "order", "refund", "shipping", "question", "answer", "product", "price", "delivery", "account",
        "password", "support", "team", "policy", "return", "within", "days", "please", "thank", "you", "for", "your", "patience",
        "we", "will", "check", "status", "tracking", "number", "warehouse", "city", "weekend", "offer", "discount", "season",
        "football", "hockey", "baseball", "tennis", "league", "match", "score", "player", "coach", "season's", "final",
        "election", "market", "shares", "report", "growth", "quarter", "energy", "climate", "research", "university", "study",
        "café", "naïve", "résumé", "données", "Zürich", "it's", "don't", "we'll", "and", "or", "but", "with", "from", "about",
        "is", "was", "are", "be", "has", "have", "not", "this", "that", "these", "those", "very", "quickly", "politely",
    ];

    public static readonly string[] Formats = ["csv", "jsonl", "yaml", "preference"];

    /// <summary>Writes <paramref name="examples"/> examples of a format to <paramref name="path"/>.</summary>
    public static void Write(string format, int examples, string path, int seed = 8)
    {
        var random = new Random(seed);
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 16) { NewLine = "\n" };
        switch (format)
        {
            case "csv":
                writer.WriteLine("prompt,completion");
                for (var i = 0; i < examples; i++)
                {
                    var prompt = $"Article {i}: {Paragraph(random, 150)}\n\n###\n\n";
                    var completion = " " + Paragraph(random, 45) + " END";
                    writer.WriteLine($"{Csv(prompt)},{Csv(completion)}");
                }

                break;
            case "jsonl":
                for (var i = 0; i < examples; i++)
                {
                    var (user, assistant) = Chat(random, i);
                    writer.WriteLine(JsonSerializer.Serialize(new { messages = new object[] { System, new { role = "user", content = user }, new { role = "assistant", content = assistant } } }));
                }

                break;
            case "yaml":
                writer.WriteLine("x-system: &system {role: system, content: \"" + SystemText + "\"}");
                writer.WriteLine();
                writer.WriteLine("examples:");
                for (var i = 0; i < examples; i++)
                {
                    var (user, assistant) = Chat(random, i);
                    writer.WriteLine("  - messages:");
                    writer.WriteLine("      - *system");
                    writer.WriteLine("      - {role: user, content: " + JsonSerializer.Serialize(user) + "}");
                    writer.WriteLine("      - {role: assistant, content: " + JsonSerializer.Serialize(assistant) + "}");
                }

                break;
            case "preference":
                for (var i = 0; i < examples; i++)
                {
                    var (user, assistant) = Chat(random, i);
                    writer.WriteLine(JsonSerializer.Serialize(new
                    {
                        input = new { messages = new object[] { System, new { role = "user", content = user } } },
                        preferred_output = new object[] { new { role = "assistant", content = assistant } },
                        non_preferred_output = new object[] { new { role = "assistant", content = Sentence(random, 20) } },
                    }));
                }

                break;
            default:
                throw new ArgumentException($"Unknown format '{format}'; use one of {string.Join(", ", Formats)}.", nameof(format));
        }
    }

    /// <summary>
    /// The texts a tokenizer counts in the first <paramref name="examples"/> examples written with the same seed (the
    /// system message once per example, as the compile counts it), for the tokenizer-alone baseline.
    /// </summary>
    public static List<string> Texts(string format, int examples, int seed = 8)
    {
        var random = new Random(seed);
        var texts = new List<string>();
        for (var i = 0; i < examples; i++)
        {
            if (format == "csv")
            {
                texts.Add($"Article {i}: {Paragraph(random, 150)}\n\n###\n\n");
                texts.Add(" " + Paragraph(random, 45) + " END");
                continue;
            }

            var (user, assistant) = Chat(random, i);
            texts.AddRange([SystemText, user, assistant]);
            if (format == "preference")
            {
                texts.Add(Sentence(random, 20));
            }
        }

        return texts;
    }

    /// <summary>The file name a format is generated under (its extension picks the reader).</summary>
    public static string FileName(string format) => format switch
    {
        "csv" => "data.csv",
        "yaml" => "data.yaml",
        _ => "data.jsonl",
    };

    private const string SystemText = "You are a helpful support assistant for an online shop.";

    private static readonly object System = new { role = "system", content = SystemText };

    private static (string User, string Assistant) Chat(Random random, int i)
        => ($"#{i}: {Sentence(random, 25)}?", Paragraph(random, 70));

    private static string Paragraph(Random random, int words)
    {
        var text = new StringBuilder();
        while (words > 0)
        {
            var n = Math.Min(words, random.Next(6, 18));
            text.Append(text.Length == 0 ? "" : " ").Append(Sentence(random, n)).Append(random.Next(8) == 0 ? '!' : '.');
            words -= n;
        }

        return text.ToString();
    }

    private static string Sentence(Random random, int words)
    {
        var text = new StringBuilder();
        for (var i = 0; i < words; i++)
        {
            if (i > 0)
            {
                text.Append(random.Next(12) == 0 ? ", " : " ");
            }

            text.Append(random.Next(15) == 0 ? random.Next(1, 100_000).ToString(CultureInfo.InvariantCulture) : Words[random.Next(Words.Length)]);
        }

        return text.Length > 0 ? char.ToUpperInvariant(text[0]) + text.ToString(1, text.Length - 1) : "";
    }

    private static string Csv(string value) => "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
