using FineTune.Build.Diagnostics;
using FineTune.Build.Documents;
using FineTune.Build.Examples;
using FineTune.Build.Output;

namespace FineTune.Build.Compilation;

/// <summary>
/// Checks that need the whole dataset, kept as 128-bit hashes and locations (never the examples themselves):
/// exact duplicates, the same prompt in train and validation, and one prompt with two labels (classification).
/// Fed in output order, so results do not depend on threading.
/// </summary>
public sealed class DatasetRules
{
    private readonly DiagnosticCollector _diagnostics;
    private readonly bool _classification;
    private readonly Dictionary<Hash128, Location> _contents = [];
    private readonly Dictionary<Hash128, PromptSeen> _prompts = [];

    public DatasetRules(DiagnosticCollector diagnostics, bool classification)
    {
        _diagnostics = diagnostics;
        _classification = classification;
    }

    public readonly record struct Location(string File, int Line, int Column)
    {
        public override string ToString() => $"{Path.GetFileName(File)}({Line},{Column})";
    }

    private readonly record struct PromptSeen(Location Where, bool Validation, string? Label);

    /// <summary>Checks one example that is about to be written; <paramref name="content"/> is its output bytes.</summary>
    public void Add(Example example, ReadOnlySpan<byte> content, bool validation, string? label)
    {
        var here = new Location(example.SourcePath, example.Line, example.Column);
        var contentKey = Hash128.Of(content);
        if (_contents.TryGetValue(contentKey, out var first))
        {
            _diagnostics.Report(DiagnosticCodes.DuplicateExample, here.File, here.Line, here.Column,
                $"This example is an exact duplicate of the one at {first}: remove one copy (duplicates weigh an example twice).");
        }
        else
        {
            _contents.Add(contentKey, here);
        }

        var promptKey = Hash128.Of(PromptBytes(example));
        if (_prompts.TryGetValue(promptKey, out var seen))
        {
            if (seen.Validation != validation)
            {
                _diagnostics.Report(DiagnosticCodes.SplitLeakage, here.File, here.Line, here.Column,
                    $"The same prompt is in the {(validation ? "validation" : "train")} file and, at {seen.Where}, in the {(seen.Validation ? "validation" : "train")} file: validation would measure memory, not skill. Give both the same id, pin them with split:, or remove one.");
            }

            if (_classification && label is not null && seen.Label is not null && !string.Equals(label.Trim(), seen.Label.Trim(), StringComparison.Ordinal))
            {
                _diagnostics.Report(DiagnosticCodes.ConflictingLabels, here.File, here.Line, here.Column,
                    $"This prompt is labelled '{label.Trim()}' here and '{seen.Label.Trim()}' at {seen.Where}: one prompt needs one label. Fix the wrong one.");
            }
        }
        else
        {
            _prompts.Add(promptKey, new PromptSeen(here, validation, label));
        }
    }

    /// <summary>What the model is given: the prompt, the conversation before the last assistant reply, or the DPO input.</summary>
    internal static byte[] PromptBytes(Example example)
    {
        switch (example.Format)
        {
            case DatasetFormat.Completion:
                return System.Text.Encoding.UTF8.GetBytes(example.Prompt?.Text ?? "");
            case DatasetFormat.Preference:
                return example.Body.Get("input") is { } input ? CanonicalJsonWriter.ToBytes(input) : [];
            default:
                var messages = (example.Body.Get("messages") as ArrayNode)?.Items ?? [];
                var last = messages.FindLastIndex(m => m is ObjectNode o && (o.Get("role") as ScalarNode)?.Text == "assistant");
                var before = last >= 0 ? messages.Take(last).ToList() : messages;
                return CanonicalJsonWriter.ToBytes(new ArrayNode(before, 0, 0));
        }
    }
}

/// <summary>A 128-bit content hash (the first half of SHA-256): collisions are not a practical concern.</summary>
public readonly record struct Hash128(ulong High, ulong Low)
{
    public static Hash128 Of(ReadOnlySpan<byte> bytes)
    {
        Span<byte> hash = stackalloc byte[32];
        System.Security.Cryptography.SHA256.HashData(bytes, hash);
        return new Hash128(System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(hash), System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(hash[8..]));
    }
}
