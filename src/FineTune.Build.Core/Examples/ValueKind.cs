namespace FineTune.Build.Examples;

/// <summary>What a field's value must be.</summary>
public enum ValueKind
{
    String,

    /// <summary>A string or null (assistant content next to tool_calls).</summary>
    StringOrNull,

    /// <summary>A string, a list of content parts, or null (chat message content).</summary>
    Content,
    Number,
    Boolean,
    Object,
    List,

    /// <summary>Free-form JSON (a tool's JSON Schema parameters): written back as it is.</summary>
    Any,
}
