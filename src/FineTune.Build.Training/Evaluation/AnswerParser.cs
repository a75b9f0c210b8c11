using System.Text.Json;

namespace FineTune.Build.Training.Evaluation;

/// <summary>Reads the JSON of a legacy completion or a chat completion, including logprobs in either shape.</summary>
public static class AnswerParser
{
    /// <summary>POST /completions: choices[0].text, logprobs.top_logprobs[0] ({token: logprob}) and logprobs.tokens[0].</summary>
    public static ModelAnswer ParseCompletion(ReadOnlyMemory<byte> json)
    {
        using var doc = JsonDocument.Parse(json);
        var choice = FirstChoice(doc.RootElement);
        var text = Str(choice, "text") ?? "";
        var top = new List<(string, double)>();
        if (choice.TryGetProperty("logprobs", out var lp) && lp.ValueKind == JsonValueKind.Object)
        {
            if (lp.TryGetProperty("top_logprobs", out var tops) && tops.ValueKind == JsonValueKind.Array && tops.GetArrayLength() > 0
                && tops[0].ValueKind == JsonValueKind.Object)
            {
                foreach (var p in tops[0].EnumerateObject())
                {
                    if (p.Value.ValueKind == JsonValueKind.Number)
                    {
                        top.Add((p.Name, p.Value.GetDouble()));
                    }
                }
            }

            // The sampled token belongs in the list even when a server omits it from top_logprobs.
            if (lp.TryGetProperty("tokens", out var tokens) && tokens.ValueKind == JsonValueKind.Array && tokens.GetArrayLength() > 0
                && tokens[0].ValueKind == JsonValueKind.String
                && lp.TryGetProperty("token_logprobs", out var tl) && tl.ValueKind == JsonValueKind.Array && tl.GetArrayLength() > 0
                && tl[0].ValueKind == JsonValueKind.Number)
            {
                Add(top, tokens[0].GetString()!, tl[0].GetDouble());
            }
        }

        return new ModelAnswer(text, Str(choice, "finish_reason"), OutputTokens(doc.RootElement), Sorted(top));
    }

    /// <summary>POST /chat/completions: choices[0].message.content and logprobs.content[0].top_logprobs ([{token, logprob}]).</summary>
    public static ModelAnswer ParseChat(ReadOnlyMemory<byte> json)
    {
        using var doc = JsonDocument.Parse(json);
        var choice = FirstChoice(doc.RootElement);
        var text = choice.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.Object ? Str(m, "content") ?? "" : "";
        var top = new List<(string, double)>();
        if (choice.TryGetProperty("logprobs", out var lp) && lp.ValueKind == JsonValueKind.Object
            && lp.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.Array && content.GetArrayLength() > 0)
        {
            var first = content[0];
            if (first.TryGetProperty("top_logprobs", out var tops) && tops.ValueKind == JsonValueKind.Array)
            {
                foreach (var t in tops.EnumerateArray())
                {
                    if (Str(t, "token") is { } token && t.TryGetProperty("logprob", out var l) && l.ValueKind == JsonValueKind.Number)
                    {
                        top.Add((token, l.GetDouble()));
                    }
                }
            }

            if (Str(first, "token") is { } sampled && first.TryGetProperty("logprob", out var sl) && sl.ValueKind == JsonValueKind.Number)
            {
                Add(top, sampled, sl.GetDouble());
            }
        }

        return new ModelAnswer(text, Str(choice, "finish_reason"), OutputTokens(doc.RootElement), Sorted(top));
    }

    private static JsonElement FirstChoice(JsonElement root) =>
        root.TryGetProperty("choices", out var choices) && choices.ValueKind == JsonValueKind.Array && choices.GetArrayLength() > 0
            ? choices[0]
            : throw new FormatException("The response has no choices.");

    private static void Add(List<(string Token, double Logprob)> top, string token, double logprob)
    {
        if (!top.Any(t => t.Token == token))
        {
            top.Add((token, logprob));
        }
    }

    private static List<(string, double)> Sorted(List<(string Token, double Logprob)> top) =>
        top.OrderByDescending(t => t.Logprob).ThenBy(t => t.Token, StringComparer.Ordinal).Select(t => (t.Token, t.Logprob)).ToList();

    private static int OutputTokens(JsonElement root) =>
        root.TryGetProperty("usage", out var u) && u.ValueKind == JsonValueKind.Object
        && u.TryGetProperty("completion_tokens", out var c) && c.TryGetInt32(out var n) ? n : 0;

    private static string? Str(JsonElement o, string name) =>
        o.ValueKind == JsonValueKind.Object && o.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;
}
