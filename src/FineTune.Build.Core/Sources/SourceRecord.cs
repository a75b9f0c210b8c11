using FineTune.Build.Documents;

namespace FineTune.Build.Sources;

/// <summary>One example as read from a source: a JSON-shaped object with locations, and its 0-based ordinal in the file.</summary>
public readonly record struct SourceRecord(ObjectNode Node, int Ordinal);
