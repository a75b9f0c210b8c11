namespace FineTune.Build.Examples;

/// <summary>The shapes of the three formats, after OpenAI's fine-tuning file formats.</summary>
public static class Shapes
{
    private static readonly Field Id = new("id", ValueKind.String, SourceOnly: true);
    private static readonly Field Split = new("split", ValueKind.String, SourceOnly: true);

    public static readonly Shape Completion = new("a prompt/completion example",
        new Field("prompt", ValueKind.String, Required: true),
        new Field("completion", ValueKind.String, Required: true),
        Id,
        Split);

    public static readonly Shape FunctionCall = new("a function call",
        new Field("name", ValueKind.String, Required: true),
        new Field("arguments", ValueKind.String, Required: true));

    public static readonly Shape ToolCall = new("a tool call",
        new Field("id", ValueKind.String, Required: true),
        new Field("type", ValueKind.String, Required: true),
        new Field("function", ValueKind.Object, Required: true, Shape: FunctionCall));

    /// <summary>OpenAI's vision fine-tuning: the image's URL (http(s) or a base64 data URL) and its detail.</summary>
    public static readonly Shape ImageUrl = new("an image_url",
        new Field("url", ValueKind.String, Required: true),
        new Field("detail", ValueKind.String));

    public static readonly Shape ContentPart = new("a content part",
        new Field("type", ValueKind.String, Required: true),
        new Field("text", ValueKind.String),
        new Field("image_url", ValueKind.Object, Shape: ImageUrl),
        new Field("input_audio", ValueKind.Any),
        new Field("file", ValueKind.Any));

    public static readonly Shape Message = new("a message",
        new Field("role", ValueKind.String, Required: true),
        new Field("name", ValueKind.String),
        new Field("content", ValueKind.Content, ItemShape: ContentPart),
        new Field("tool_calls", ValueKind.List, ItemShape: ToolCall),
        new Field("tool_call_id", ValueKind.String),
        new Field("function_call", ValueKind.Object, Shape: FunctionCall),
        new Field("weight", ValueKind.Number));

    public static readonly Shape FunctionDefinition = new("a function definition",
        new Field("name", ValueKind.String, Required: true),
        new Field("description", ValueKind.String),
        new Field("parameters", ValueKind.Any),
        new Field("strict", ValueKind.Boolean));

    public static readonly Shape Tool = new("a tool",
        new Field("type", ValueKind.String, Required: true),
        new Field("function", ValueKind.Object, Required: true, Shape: FunctionDefinition));

    public static readonly Shape Chat = new("a chat example",
        // The order of OpenAI's own example files (the cookbook's drone_training.jsonl), so they re-emit byte for byte.
        new Field("messages", ValueKind.List, Required: true, ItemShape: Message),
        new Field("parallel_tool_calls", ValueKind.Boolean),
        new Field("tools", ValueKind.List, ItemShape: Tool),
        new Field("functions", ValueKind.List, ItemShape: FunctionDefinition),
        Id,
        Split);

    public static readonly Shape PreferenceInput = new("a preference input",
        new Field("messages", ValueKind.List, Required: true, ItemShape: Message),
        new Field("parallel_tool_calls", ValueKind.Boolean),
        new Field("tools", ValueKind.List, ItemShape: Tool));

    public static readonly Shape Preference = new("a preference example",
        new Field("input", ValueKind.Object, Required: true, Shape: PreferenceInput),
        new Field("preferred_output", ValueKind.List, Required: true, ItemShape: Message),
        new Field("non_preferred_output", ValueKind.List, Required: true, ItemShape: Message),
        Id,
        Split);

    public static Shape For(DatasetFormat format) => format switch
    {
        DatasetFormat.Completion => Completion,
        DatasetFormat.Chat => Chat,
        _ => Preference,
    };

    /// <summary>The format an example's keys say it is in, or null when it has none of the distinguishing keys.</summary>
    public static DatasetFormat? Detect(Documents.ObjectNode node)
    {
        if (node.Find("messages") is not null)
        {
            return DatasetFormat.Chat;
        }

        if (node.Find("input") is not null || node.Find("preferred_output") is not null || node.Find("non_preferred_output") is not null)
        {
            return DatasetFormat.Preference;
        }

        if (node.Find("prompt") is not null || node.Find("completion") is not null)
        {
            return DatasetFormat.Completion;
        }

        return null;
    }
}
