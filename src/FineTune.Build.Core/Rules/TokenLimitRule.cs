using FineTune.Build.Diagnostics;
using FineTune.Build.Documents;
using FineTune.Build.Examples;
using FineTune.Build.Output;
using FineTune.Build.Tokens;

namespace FineTune.Build.Rules;

/// <summary>
/// Counts the example's tokens with the base model's real tokenizer (chat overhead counted as the API counts it)
/// and checks the model's per-example limit. Runs after the formatting fixes, so it counts what is uploaded.
/// </summary>
public sealed class TokenLimitRule : IExampleRule
{
    public void Check(Example example, RuleContext context)
    {
        var tokens = Count(example, context.Tokens);
        context.TokenCount = tokens;
        var limit = context.Model.MaxExampleTokens;
        if (limit > 0 && tokens > limit)
        {
            context.Report(DiagnosticCodes.TooManyTokens, example.SourcePath, example.Line, example.Column,
                $"This example is {tokens} tokens; {context.ModelName} takes at most {limit} per example (prompt and completion, or the whole conversation): shorten it or split it.");
        }
    }

    public static int Count(Example example, TokenCounter counter)
    {
        switch (example.Format)
        {
            case DatasetFormat.Completion:
                return counter.CountTokens(example.Prompt?.Text) + counter.CountTokens(example.Completion?.Text);
            case DatasetFormat.Chat:
                return counter.CountChat(Messages(example.Body.Get("messages") as ArrayNode), Tools(example.Body.Get("tools") ?? example.Body.Get("functions")));
            default:
                var input = example.Body.Get("input") as ObjectNode;
                return counter.CountPreference(
                    Messages(input?.Get("messages") as ArrayNode),
                    Tools(input?.Get("tools")),
                    Messages(example.Body.Get("preferred_output") as ArrayNode),
                    Messages(example.Body.Get("non_preferred_output") as ArrayNode));
        }
    }

    private static List<ChatTokenMessage> Messages(ArrayNode? list)
        => ChatView.Messages(list).Select(m => new ChatTokenMessage(
            ChatView.Role(m) ?? "",
            ChatView.Text(m),
            (m.Get("name") as ScalarNode)?.Text,
            m.Get("tool_calls") is { } calls ? Json(calls) : null,
            (m.Get("tool_call_id") as ScalarNode)?.Text,
            m.Get("function_call") is { } call ? Json(call) : null,
            ImageTokensOf(m))).ToList();

    /// <summary>The message's images as OpenAI's vision guide counts them (size read from a data URL's header bytes).</summary>
    internal static int ImageTokensOf(ObjectNode message)
    {
        if (message.Get("content") is not ArrayNode parts)
        {
            return 0;
        }

        var total = 0;
        foreach (var part in parts.Items.OfType<ObjectNode>())
        {
            if (part.Get("image_url") is not ObjectNode image || (part.Get("type") as ScalarNode)?.Text != "image_url")
            {
                continue;
            }

            var detail = (image.Get("detail") as ScalarNode)?.Text;
            var data = image.Get("url") is ScalarNode url && detail != "low" ? ImageData.Inspect(url.Text) : null;
            total += ImageTokens.Estimate(detail, data?.Width, data?.Height);
        }

        return total;
    }

    private static IReadOnlyList<ChatTokenTool>? Tools(Node? tools) => tools is ArrayNode ? ChatTokenTools.FromJson(Json(tools)) : null;

    private static string Json(Node node) => System.Text.Encoding.UTF8.GetString(CanonicalJsonWriter.ToBytes(node));
}
