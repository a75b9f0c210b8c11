namespace FineTune.Build.Tokens;

/// <summary>
/// One chat message as the token counter sees it. Map the example model onto this: <paramref name="Content"/> is the
/// text (join the text parts of a multi-part content; image parts are not counted), <paramref name="ToolCallsJson"/> the
/// raw JSON array of an assistant's <c>tool_calls</c>, <paramref name="FunctionCallJson"/> the raw JSON object of a
/// legacy <c>function_call</c>, <paramref name="ToolCallId"/> a tool message's <c>tool_call_id</c>. <c>weight</c> is
/// training metadata, not text, and is not counted. <paramref name="ImageTokens"/> are the message's image inputs,
/// estimated by <see cref="Tokens.ImageTokens"/>.
/// </summary>
public sealed record ChatTokenMessage(
    string Role,
    string? Content,
    string? Name = null,
    string? ToolCallsJson = null,
    string? ToolCallId = null,
    string? FunctionCallJson = null,
    int ImageTokens = 0);
