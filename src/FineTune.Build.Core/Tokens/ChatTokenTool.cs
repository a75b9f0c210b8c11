namespace FineTune.Build.Tokens;

/// <summary>One function tool definition (an element of <c>tools</c>, or of the legacy <c>functions</c>).</summary>
public sealed record ChatTokenTool(string Name, string? Description, string? ParametersJson);
