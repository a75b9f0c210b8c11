using System.Security.Cryptography;
using System.Text.Json.Nodes;
using FineTune.Build.Compilation;

namespace FineTune.Build.Training.Evaluation;

/// <summary>The compiled validation file read back as evaluation examples (completion or chat format).</summary>
public sealed class EvaluationDataset
{
    /// <summary>"completion" or "chat".</summary>
    public required string Format { get; init; }

    /// <summary>Every example of the validation file, in file order.</summary>
    public required IReadOnlyList<EvaluationExample> Examples { get; init; }

    /// <summary>Distinct expected answers of the validation (and train) file, ordinal order.</summary>
    public required IReadOnlyList<string> Labels { get; init; }

    public required string ValidationSha256 { get; init; }

    /// <summary>The stop sequence the completions were trained with (null: they end with none).</summary>
    public string? StopSequence { get; init; }

    public static EvaluationDataset Load(string validationFile, string? trainFile, string? stopSequence)
    {
        var bytes = File.ReadAllBytes(validationFile);
        var stop = string.IsNullOrEmpty(stopSequence) ? null : stopSequence;
        var examples = new List<EvaluationExample>();
        var format = "completion";
        var anyStop = false;
        var hasher = new SplitAssigner(0, "evaluate");
        var lineNumber = 0;
        foreach (var line in Lines(bytes))
        {
            lineNumber++;
            if (line.IsEmpty)
            {
                continue;
            }

            var parsed = ParseLine(line.ToArray(), stop, out var stopped);
            anyStop |= stopped;
            format = parsed.Messages is null ? "completion" : "chat";
            examples.Add(new EvaluationExample
            {
                Line = lineNumber,
                Prompt = parsed.Prompt,
                Messages = parsed.Messages,
                Expected = parsed.Expected,
                Position = hasher.Position(line.Span),
            });
        }

        var labels = new SortedSet<string>(examples.Select(e => e.Expected), StringComparer.Ordinal);
        if (trainFile is not null && File.Exists(trainFile))
        {
            foreach (var line in Lines(File.ReadAllBytes(trainFile)))
            {
                if (!line.IsEmpty)
                {
                    labels.Add(ParseLine(line.ToArray(), stop, out _).Expected);
                }
            }
        }

        return new EvaluationDataset
        {
            Format = format,
            Examples = examples,
            Labels = labels.ToList(),
            ValidationSha256 = Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant(),
            StopSequence = anyStop ? stop : null,
        };
    }

    /// <summary>All examples, or the <paramref name="limit"/> with the lowest hash position (the same ones every time), in file order.</summary>
    public IReadOnlyList<EvaluationExample> Select(int? limit) =>
        limit is { } n && n < Examples.Count
            ? Examples.OrderBy(e => e.Position).ThenBy(e => e.Line).Take(n).OrderBy(e => e.Line).ToList()
            : Examples;

    private static IEnumerable<ReadOnlyMemory<byte>> Lines(byte[] bytes)
    {
        var start = 0;
        for (var i = 0; i <= bytes.Length; i++)
        {
            if (i == bytes.Length || bytes[i] == (byte)'\n')
            {
                var end = i > start && bytes[i - 1] == (byte)'\r' ? i - 1 : i;
                if (i < bytes.Length || end > start)
                {
                    yield return bytes.AsMemory(start, end - start);
                }

                start = i + 1;
            }
        }
    }

    private static (string? Prompt, JsonArray? Messages, string Expected) ParseLine(byte[] line, string? stop, out bool stopped)
    {
        var node = JsonNode.Parse(line) as JsonObject ?? throw new FormatException("A line of the validation file is not a JSON object.");
        string expected;
        string? prompt = null;
        JsonArray? messages = null;
        if (node["messages"] is JsonArray all)
        {
            var last = all.Select((m, i) => (m, i)).LastOrDefault(p => p.m is JsonObject o && (string?)o["role"] == "assistant");
            if (last.m is null)
            {
                throw new FormatException("A chat example of the validation file has no assistant message.");
            }

            expected = Content(last.m["content"]);
            messages = new JsonArray(all.Take(last.i).Select(m =>
            {
                var copy = (JsonObject)m!.DeepClone();
                copy.Remove("weight");
                return (JsonNode?)copy;
            }).ToArray());
        }
        else
        {
            prompt = (string?)node["prompt"] ?? throw new FormatException("A line of the validation file has neither messages nor a prompt.");
            expected = (string?)node["completion"] ?? "";
        }

        stopped = stop is not null && expected.EndsWith(stop, StringComparison.Ordinal);
        if (stopped)
        {
            expected = expected[..^stop!.Length];
        }

        return (prompt, messages, expected);
    }

    private static string Content(JsonNode? content) => content switch
    {
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonArray parts => string.Concat(parts.Select(p => p is JsonObject o && (string?)o["type"] == "text" ? (string?)o["text"] ?? "" : "")),
        _ => "",
    };
}
