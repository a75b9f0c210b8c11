using System.Text.Json;

namespace FineTune.Build.Tokens;

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
        int n = o.PerMessage + CountTokens(message.Role) + CountTokens(message.Content) + message.ImageTokens;
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
                    if (schema.TryGetProperty("type", out var t))
                    {
                        type = AsText(t);
                    }

                    if (schema.TryGetProperty("description", out var d))
                    {
                        description = AsText(d);
                    }

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
