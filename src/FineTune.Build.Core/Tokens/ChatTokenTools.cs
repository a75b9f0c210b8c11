using System.Text.Json;

namespace FineTune.Build.Tokens;

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
