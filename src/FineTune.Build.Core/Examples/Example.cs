using FineTune.Build.Documents;
using FineTune.Build.Sources;

namespace FineTune.Build.Examples;

/// <summary>
/// One bound example: its canonical body (exactly what is written to the JSONL, keys in the format's order, source
/// only keys such as id and split removed) and where it came from. Rules read it through the typed views below.
/// </summary>
public sealed class Example
{
    public Example(SourceFile source, int ordinal, DatasetFormat format, ObjectNode body, string? id, SplitPin split)
    {
        Source = source;
        Ordinal = ordinal;
        Format = format;
        Body = body;
        Id = id;
        Split = split;
    }

    public SourceFile Source { get; }

    /// <summary>0-based position among the examples of its source file.</summary>
    public int Ordinal { get; }

    public DatasetFormat Format { get; }

    public ObjectNode Body { get; }

    /// <summary>The example's id: key, if any (stable identity for split and duplicate reports).</summary>
    public string? Id { get; }

    /// <summary>The split: key, or the source's Split metadata.</summary>
    public SplitPin Split { get; }

    /// <summary>
    /// Some fields did not bind (reported): the body holds only those that did. Rules still check it, so an
    /// example's independent errors come in one build, but it is never written.
    /// </summary>
    public bool HasBindErrors { get; init; }

    public int Line => Body.Line;

    public int Column => Body.Column;

    public string SourcePath => Source.Path;

    public ScalarNode? Prompt => Body.Get("prompt") as ScalarNode;

    public ScalarNode? Completion => Body.Get("completion") as ScalarNode;

    /// <summary>Chat messages, or the preference input's messages.</summary>
    public ArrayNode? Messages => Format == DatasetFormat.Preference
        ? (Body.Get("input") as ObjectNode)?.Get("messages") as ArrayNode
        : Body.Get("messages") as ArrayNode;

    /// <summary>Replaces a top-level field's value (Append mode's fixes).</summary>
    /// <summary>
    /// The canonical bytes of the body as bound, taken at the first <see cref="Set"/> (a formatting fix); null while
    /// unchanged, when the output bytes are the same. The split hashes these, so a fix never reshuffles the split,
    /// and an example nothing fixes is serialized once.
    /// </summary>
    public byte[]? BytesBeforeFixes { get; private set; }

    public void Set(string key, Node value)
    {
        BytesBeforeFixes ??= Output.CanonicalJsonWriter.ToBytes(Body);
        var property = Body.Find(key) ?? throw new InvalidOperationException($"The example has no '{key}'.");
        property.Value = value;
    }
}
