namespace FineTune.Build.Examples;

/// <summary>One key of an object shape. Keys are written in the order the shape lists them.</summary>
public sealed record Field(string Name, ValueKind Kind, bool Required = false, Shape? Shape = null, Shape? ItemShape = null, bool SourceOnly = false);
