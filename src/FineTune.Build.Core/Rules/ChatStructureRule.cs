using System.Text.Json;
using System.Text.RegularExpressions;
using FineTune.Build.Diagnostics;
using FineTune.Build.Documents;
using FineTune.Build.Examples;

namespace FineTune.Build.Rules;

/// <summary>
/// The structure of chat and preference examples, after the OpenAI cookbook's data-preparation checks and the
/// API's file validation: known roles, an assistant message to learn from, weight only 0 or 1 and only on assistant
/// messages, system only first, well-formed tool calls and tool definitions, a tool result for an earlier call,
/// and preference outputs of exactly one assistant message.
/// </summary>
public sealed partial class ChatStructureRule : IExampleRule
{
    private static readonly HashSet<string> Roles = ["system", "developer", "user", "assistant", "tool", "function"];

    [ThreadStatic]
    private static HashSet<string>? t_defined;

    [ThreadStatic]
    private static HashSet<string>? t_callIds;

    public void Check(Example example, RuleContext context)
    {
        if (example.Format == DatasetFormat.Completion)
        {
            return;
        }

        var file = example.SourcePath;
        var messages = example.Messages;
        var tools = example.Format == DatasetFormat.Preference
            ? (example.Body.Get("input") as ObjectNode)?.Get("tools") as ArrayNode
            : example.Body.Get("tools") as ArrayNode;
        var functions = example.Body.Get("functions") as ArrayNode;
        // This thread's sets, cleared per example: two sets per example were most of this rule's allocations.
        var defined = t_defined ??= new HashSet<string>(StringComparer.Ordinal);
        defined.Clear();
        CheckTools(file, tools, functions, defined, context);

        var callIds = t_callIds ??= new HashSet<string>(StringComparer.Ordinal);
        callIds.Clear();
        var index = 0;
        var hasAssistant = false;
        var hasUser = false;
        foreach (var item in messages?.Items ?? [])
        {
            if (item is not ObjectNode message)
            {
                continue;
            }

            var role = ChatView.Role(message);
            hasAssistant |= role == "assistant";
            hasUser |= role == "user";
            CheckMessage(file, message, role, index, defined, callIds, context);
            index++;
        }

        if (example.Format == DatasetFormat.Preference)
        {
            CheckPreferenceOutput(file, example.Body.Get("preferred_output") as ArrayNode, "preferred_output", defined, context);
            CheckPreferenceOutput(file, example.Body.Get("non_preferred_output") as ArrayNode, "non_preferred_output", defined, context);
        }
        else if (messages is { Items.Count: > 0 } && !hasAssistant && !example.HasBindErrors)
        {
            context.Report(DiagnosticCodes.NoAssistantMessage, file, messages.Line, messages.Column,
                "This conversation has no assistant message, so there is nothing to learn: add the assistant's reply.");
        }

        // A message that did not bind may be the assistant's or the user's: no follow-up for the same cause.
        if (messages is { Items.Count: > 0 } && !hasUser && !example.HasBindErrors)
        {
            context.Report(DiagnosticCodes.NoUserMessage, file, messages.Line, messages.Column,
                "This conversation has no user message: the model learns replies to users, so add the user's turn.");
        }
    }

    private static void CheckMessage(string file, ObjectNode message, string? role, int index, HashSet<string> defined, HashSet<string> callIds, RuleContext context)
    {
        var roleNode = message.Get("role") as ScalarNode;
        if (role is not null && !Roles.Contains(role))
        {
            context.Report(DiagnosticCodes.UnknownRole, file, roleNode!.Line, roleNode.Column,
                $"Unknown role '{role}': use system, user, assistant or tool (developer and function are accepted too).");
        }

        if (role == "system" && index > 0)
        {
            context.Report(DiagnosticCodes.SystemNotFirst, file, message.Line, message.Column,
                "A system message must be the first message: move it to the top, or make it a user message.");
        }

        if (message.Get("weight") is ScalarNode weight)
        {
            if (role != "assistant")
            {
                context.Report(DiagnosticCodes.InvalidWeight, file, weight.Line, weight.Column,
                    $"weight is only allowed on assistant messages, not on a {role} message: remove it.");
            }
            else if (weight.Text is not ("0" or "1"))
            {
                context.Report(DiagnosticCodes.InvalidWeight, file, weight.Line, weight.Column,
                    $"weight is {weight.Text}: use 0 (do not train on this reply) or 1 (train on it).");
            }
        }

        if (message.Get("tool_calls") is ArrayNode calls)
        {
            if (role != "assistant")
            {
                context.Report(DiagnosticCodes.InvalidToolCall, file, calls.Line, calls.Column,
                    $"Only assistant messages make tool calls, not a {role} message: move tool_calls to an assistant message.");
            }

            foreach (var call in calls.Items.OfType<ObjectNode>())
            {
                CheckToolCall(file, call, defined, callIds, context);
            }
        }

        if (message.Get("function_call") is ObjectNode functionCall)
        {
            CheckArguments(file, functionCall, context);
        }

        if (role == "tool")
        {
            var id = message.Get("tool_call_id") as ScalarNode;
            if (id is null)
            {
                context.Report(DiagnosticCodes.ToolResultWithoutCall, file, message.Line, message.Column,
                    "A tool message needs tool_call_id naming the assistant's tool call it answers.");
            }
            else if (!callIds.Contains(id.Text))
            {
                context.Report(DiagnosticCodes.ToolResultWithoutCall, file, id.Line, id.Column,
                    $"tool_call_id '{id.Text}' matches no earlier tool call in this conversation: use the id of the call this message answers.");
            }
        }
    }

    private static void CheckToolCall(string file, ObjectNode call, HashSet<string> defined, HashSet<string> callIds, RuleContext context)
    {
        if (call.Get("type") is ScalarNode type && type.Text != "function")
        {
            context.Report(DiagnosticCodes.InvalidToolCall, file, type.Line, type.Column, $"Tool call type '{type.Text}' is not supported: use \"function\".");
        }

        if (call.Get("id") is ScalarNode id)
        {
            if (string.IsNullOrWhiteSpace(id.Text))
            {
                context.Report(DiagnosticCodes.InvalidToolCall, file, id.Line, id.Column, "The tool call id is empty: give each call an id (tool messages refer to it).");
            }

            callIds.Add(id.Text);
        }

        if (call.Get("function") is ObjectNode function)
        {
            CheckArguments(file, function, context);
            if (function.Get("name") is ScalarNode name && defined.Count > 0 && !defined.Contains(name.Text))
            {
                context.Report(DiagnosticCodes.UnknownFunction, file, name.Line, name.Column,
                    $"The call names '{name.Text}', which the example's tools do not define ({string.Join(", ", defined.Order(StringComparer.Ordinal))}): fix the name or add the tool.");
            }
        }
    }

    /// <summary>arguments is a JSON-encoded string holding an object, as the API sends it.</summary>
    private static void CheckArguments(string file, ObjectNode function, RuleContext context)
    {
        if (function.Get("arguments") is not ScalarNode arguments)
        {
            return;
        }

        try
        {
            using var document = JsonDocument.Parse(arguments.Text);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                context.Report(DiagnosticCodes.InvalidToolCall, file, arguments.Line, arguments.Column,
                    "arguments must be a JSON object encoded as a string, such as \"{\\\"altitude\\\": 100}\".");
            }
        }
        catch (JsonException ex)
        {
            context.Report(DiagnosticCodes.InvalidToolCall, file, arguments.Line, arguments.Column,
                $"arguments is not valid JSON ({ex.Message.Split('.')[0]}): write the call's arguments as a JSON object encoded as a string.");
        }
    }

    private static void CheckTools(string file, ArrayNode? tools, ArrayNode? functions, HashSet<string> defined, RuleContext context)
    {
        foreach (var tool in tools?.Items.OfType<ObjectNode>() ?? [])
        {
            if (tool.Get("type") is ScalarNode type && type.Text != "function")
            {
                context.Report(DiagnosticCodes.InvalidTool, file, type.Line, type.Column, $"Tool type '{type.Text}' is not supported: use \"function\".");
            }

            if (tool.Get("function") is ObjectNode function)
            {
                CheckFunction(file, function, defined, context);
            }
        }

        foreach (var function in functions?.Items.OfType<ObjectNode>() ?? [])
        {
            CheckFunction(file, function, defined, context);
        }
    }

    private static void CheckFunction(string file, ObjectNode function, HashSet<string> defined, RuleContext context)
    {
        if (function.Get("name") is ScalarNode name)
        {
            if (!FunctionName().IsMatch(name.Text))
            {
                context.Report(DiagnosticCodes.InvalidTool, file, name.Line, name.Column,
                    $"Function name '{name.Text}' is not valid: use 1-64 letters, digits, '_' or '-'.");
            }
            else if (!defined.Add(name.Text))
            {
                context.Report(DiagnosticCodes.InvalidTool, file, name.Line, name.Column, $"The function '{name.Text}' is defined twice: keep one definition.");
            }
        }

        if (function.Get("parameters") is { } parameters && parameters is not ObjectNode)
        {
            context.Report(DiagnosticCodes.InvalidTool, file, parameters.Line, parameters.Column,
                $"parameters must be a JSON Schema object (such as {{type: object, properties: {{...}}}}), not {parameters.KindName}.");
        }
    }

    private static void CheckPreferenceOutput(string file, ArrayNode? output, string key, HashSet<string> defined, RuleContext context)
    {
        if (output is null)
        {
            return;
        }

        var messages = output.Items.OfType<ObjectNode>().ToList();
        if (messages.Count != 1 || ChatView.Role(messages[0]) != "assistant")
        {
            context.Report(DiagnosticCodes.InvalidPreferenceOutput, file, output.Line, output.Column,
                $"{key} must hold exactly one assistant message (it has {messages.Count} message(s){(messages.Count == 1 ? $" with role '{ChatView.Role(messages[0])}'" : "")}).");
        }

        foreach (var message in messages)
        {
            if (message.Get("tool_calls") is ArrayNode calls)
            {
                foreach (var call in calls.Items.OfType<ObjectNode>())
                {
                    CheckToolCall(file, call, defined, [], context);
                }
            }
        }
    }

    [GeneratedRegex("^[a-zA-Z0-9_-]{1,64}$")]
    private static partial Regex FunctionName();
}
