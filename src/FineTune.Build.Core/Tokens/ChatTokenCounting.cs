using System.Text.Json;

namespace FineTune.Build.Tokens;

/// <summary>
/// One chat message as the token counter sees it. Map the example model onto this: <paramref name="Content"/> is the
/// text (join the text parts of a multi-part content; image parts are not counted), <paramref name="ToolCallsJson"/> the
/// raw JSON array of an assistant's <c>tool_calls</c>, <paramref name="FunctionCallJson"/> the raw JSON object of a
/// legacy <c>function_call</c>, <paramref name="ToolCallId"/> a tool message's <c>tool_call_id</c>. <c>weight</c> is
/// training metadata, not text, and is not counted.
/// </summary>
public sealed record ChatTokenMessage(
    string Role,
    string? Content,
    string? Name = null,
    string? ToolCallsJson = null,
    string? ToolCallId = null,
    string? FunctionCallJson = null);

/// <summary>One function tool definition (an element of <c>tools</c>, or of the legacy <c>functions</c>).</summary>
public sealed record ChatTokenTool(string Name, string? Description, string? ParametersJson);

/// <summary>
/// Overheads of the OpenAI cookbook's token formulas.
/// Messages: <c>num_tokens_from_messages</c> in https://github.com/openai/openai-cookbook/blob/main/examples/Chat_finetuning_data_prep.ipynb
/// (3 tokens per message, 1 per name, 3 to prime the reply, every string value of a message encoded), which the
/// cookbook simplified from https://github.com/openai/openai-cookbook/blob/main/examples/How_to_count_tokens_with_tiktoken.ipynb.
/// Tools: <c>num_tokens_for_tools</c> in How_to_count_tokens_with_tiktoken.ipynb (func_init 7 for gpt-4o/gpt-4o-mini,
/// i.e. o200k_base, 10 for gpt-3.5-turbo/gpt-4, i.e. cl100k_base; prop_init 3, prop_key 3, enum_init -3, enum_item 3,
/// func_end 12). The cookbook verified both against the API's prompt_tokens (129/124 and 105/101 tokens).
/// </summary>
public sealed record ChatTokenOverheads(
    int PerMessage,
    int PerName,
    int ReplyPriming,
    int FunctionInit,
    int PropertiesInit,
    int PropertyKey,
    int EnumInit,
    int EnumItem,
    int FunctionsEnd)
{
    public static ChatTokenOverheads For(string encodingName) => new(
        PerMessage: 3,
        PerName: 1,
        ReplyPriming: 3,
        // The cookbook measured 7 for the o200k models and 10 for the cl100k ones; r50k models never took tools.
        FunctionInit: encodingName == TokenEncodings.O200kBase ? 7 : 10,
        PropertiesInit: 3,
        PropertyKey: 3,
        EnumInit: -3,
        EnumItem: 3,
        FunctionsEnd: 12);
}

public sealed partial class TokenCounter
{
    /// <summary>
    /// Tokens of one conversation as the chat API counts a prompt (cookbook formula, see <see cref="ChatTokenOverheads"/>)
    /// plus its tool definitions. Documented approximation where the cookbook is silent: an assistant's tool_calls and
    /// function_call count the tokens of each function name and arguments string (the text the model produces; id and
    /// type are not counted); a tool message's tool_call_id counts like any other string value of a message.
    /// </summary>
    public int CountChat(IReadOnlyList<ChatTokenMessage> messages, IReadOnlyList<ChatTokenTool>? tools = null)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var o = Overheads;
        int total = 0;
        foreach (var message in messages)
        {
            total += CountMessage(message, o);
        }

        return total + o.ReplyPriming + CountToolDefinitions(tools);
    }

    /// <summary>
    /// Tokens of a preference (DPO) example: the input conversation with the longer of the two outputs, which is what
    /// must fit the per-example limit.
    /// </summary>
    public int CountPreference(
        IReadOnlyList<ChatTokenMessage> input,
        IReadOnlyList<ChatTokenTool>? tools,
        IReadOnlyList<ChatTokenMessage> preferredOutput,
        IReadOnlyList<ChatTokenMessage> nonPreferredOutput)
    {
        int inputTokens = CountChat(input, tools);
        int preferred = preferredOutput.Sum(m => CountMessage(m, Overheads));
        int nonPreferred = nonPreferredOutput.Sum(m => CountMessage(m, Overheads));
        return inputTokens + Math.Max(preferred, nonPreferred);
    }

    /// <summary>Tokens of one message including its per-message overhead (without the reply priming).</summary>
    public int CountMessage(ChatTokenMessage message) => CountMessage(message, Overheads);

    private int CountMessage(ChatTokenMessage message, ChatTokenOverheads o)
    {
        int n = o.PerMessage + CountTokens(message.Role) + CountTokens(message.Content);
        if (message.Name is not null)
        {
            n += CountTokens(message.Name) + o.PerName;
        }

        if (message.ToolCallId is not null)
        {
            n += CountTokens(message.ToolCallId);
        }

        if (!string.IsNullOrEmpty(message.ToolCallsJson))
        {
            n += CountToolCalls(message.ToolCallsJson);
        }

        if (!string.IsNullOrEmpty(message.FunctionCallJson))
        {
            n += CountFunctionCall(message.FunctionCallJson);
        }

        return n;
    }

    private int CountToolCalls(string json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            if (doc.RootElement.ValueKind != JsonValueKind.Array)
            {
                return CountTokens(json);
            }

            int n = 0;
            foreach (var call in doc.RootElement.EnumerateArray())
            {
                n += call.ValueKind == JsonValueKind.Object && call.TryGetProperty("function", out var function)
                    ? CountNameAndArguments(function)
                    : CountTokens(call.GetRawText());
            }

            return n;
        }
        catch (JsonException)
        {
            // Malformed tool_calls are a structure error reported elsewhere; still count their text so limits stay safe.
            return CountTokens(json);
        }
    }

    private int CountFunctionCall(string json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            return CountNameAndArguments(doc.RootElement);
        }
        catch (JsonException)
        {
            return CountTokens(json);
        }
    }

    private int CountNameAndArguments(JsonElement function)
    {
        if (function.ValueKind != JsonValueKind.Object)
        {
            return CountTokens(function.GetRawText());
        }

        int n = 0;
        if (function.TryGetProperty("name", out var name))
        {
            n += CountTokens(AsText(name));
        }

        if (function.TryGetProperty("arguments", out var arguments))
        {
            n += CountTokens(AsText(arguments));
        }

        return n;
    }

    /// <summary>Tokens the tool definitions add to a prompt (cookbook <c>num_tokens_for_tools</c>; 0 for none).
    /// Like the cookbook it counts top-level properties only; nested object schemas are not counted.</summary>
    public int CountToolDefinitions(IReadOnlyList<ChatTokenTool>? tools)
    {
        if (tools is null || tools.Count == 0)
        {
            return 0;
        }

        var o = Overheads;
        int n = 0;
        foreach (var tool in tools)
        {
            n += o.FunctionInit + CountTokens(tool.Name + ":" + TrimPeriod(tool.Description));
            n += CountProperties(tool.ParametersJson, o);
        }

        return n + o.FunctionsEnd;
    }

    private int CountProperties(string? parametersJson, ChatTokenOverheads o)
    {
        if (string.IsNullOrWhiteSpace(parametersJson))
        {
            return 0;
        }

        try
        {
            using var doc = JsonDocument.Parse(parametersJson);
            if (doc.RootElement.ValueKind != JsonValueKind.Object
                || !doc.RootElement.TryGetProperty("properties", out var properties)
                || properties.ValueKind != JsonValueKind.Object)
            {
                return 0;
            }

            int n = 0;
            bool any = false;
            foreach (var property in properties.EnumerateObject())
            {
                any = true;
                n += o.PropertyKey;
                var schema = property.Value;
                string type = "", description = "";
                if (schema.ValueKind == JsonValueKind.Object)
                {
                    if (schema.TryGetProperty("type", out var t)) type = AsText(t);
                    if (schema.TryGetProperty("description", out var d)) description = AsText(d);
                    if (schema.TryGetProperty("enum", out var e) && e.ValueKind == JsonValueKind.Array)
                    {
                        n += o.EnumInit;
                        foreach (var item in e.EnumerateArray())
                        {
                            n += o.EnumItem + CountTokens(AsText(item));
                        }
                    }
                }

                n += CountTokens(property.Name + ":" + type + ":" + TrimPeriod(description));
            }

            return any ? n + o.PropertiesInit : 0;
        }
        catch (JsonException)
        {
            return CountTokens(parametersJson);
        }
    }

    private static string TrimPeriod(string? text) =>
        string.IsNullOrEmpty(text) ? "" : text.EndsWith('.') ? text[..^1] : text;

    private static string AsText(JsonElement element) =>
        element.ValueKind == JsonValueKind.String ? element.GetString() ?? "" : element.GetRawText();
}

/// <summary>Reads tool definitions from the JSON of a <c>tools</c> (or legacy <c>functions</c>) array.</summary>
public static class ChatTokenTools
{
    /// <summary>Parses <paramref name="toolsJson"/>; elements that are not function definitions are skipped.
    /// Returns an empty list for null, empty or malformed JSON (the structure rules report those).</summary>
    public static IReadOnlyList<ChatTokenTool> FromJson(string? toolsJson)
    {
        if (string.IsNullOrWhiteSpace(toolsJson))
        {
            return Array.Empty<ChatTokenTool>();
        }

        try
        {
            using var doc = JsonDocument.Parse(toolsJson);
            if (doc.RootElement.ValueKind != JsonValueKind.Array)
            {
                return Array.Empty<ChatTokenTool>();
            }

            var tools = new List<ChatTokenTool>();
            foreach (var element in doc.RootElement.EnumerateArray())
            {
                // tools: {"type":"function","function":{...}}; functions: {...} directly.
                var function = element.ValueKind == JsonValueKind.Object && element.TryGetProperty("function", out var f) ? f : element;
                if (function.ValueKind != JsonValueKind.Object
                    || !function.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String)
                {
                    continue;
                }

                string? description = function.TryGetProperty("description", out var d) && d.ValueKind == JsonValueKind.String
                    ? d.GetString() : null;
                string? parameters = function.TryGetProperty("parameters", out var p) ? p.GetRawText() : null;
                tools.Add(new ChatTokenTool(name.GetString()!, description, parameters));
            }

            return tools;
        }
        catch (JsonException)
        {
            return Array.Empty<ChatTokenTool>();
        }
    }
}
