using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;

namespace FineTune.Build.FakeOpenAI;

/// <summary>One scripted answer: the text, the first position's top logprobs (the text's first token included, or it gets -0.01), why it ended, and its length.</summary>
public sealed record ScriptedAnswer(string Text, IReadOnlyDictionary<string, double>? TopLogprobs = null, string FinishReason = "stop", int? CompletionTokens = null);

/// <summary>
/// Scripted answers per model and prompt (evaluation tests): a legacy completion is matched by its prompt, a chat
/// completion by the content of its last message. Unscripted requests get <see cref="FakeOpenAIServer.ChatAnswer"/>
/// and <see cref="FakeOpenAIServer.CompletionAnswer"/> as before.
/// </summary>
public sealed partial class FakeOpenAIServer
{
    private readonly ConcurrentDictionary<(string Model, string Prompt), ScriptedAnswer> _scripted = new();

    /// <summary>Answers <paramref name="prompt"/> (completion prompt, or the last chat message's content) for <paramref name="model"/> ("*": any model).</summary>
    public void ScriptAnswer(string model, string prompt, ScriptedAnswer answer) => _scripted[(model, prompt)] = answer;

    private ScriptedAnswer? ScriptedFor(JsonObject json, bool chat)
    {
        var model = json["model"]?.GetValue<string>() ?? "";
        var prompt = chat
            ? (json["messages"] as JsonArray)?.LastOrDefault()?["content"]?.GetValue<string>()
            : json["prompt"] is JsonValue p && p.TryGetValue<string>(out var text) ? text : null;
        if (prompt is null)
        {
            return null;
        }

        return _scripted.TryGetValue((model, prompt), out var exact) ? exact : _scripted.TryGetValue(("*", prompt), out var any) ? any : null;
    }

    private static List<(string Token, double Logprob)> Tops(ScriptedAnswer a)
    {
        var tops = (a.TopLogprobs ?? new Dictionary<string, double>()).Select(kv => (kv.Key, kv.Value)).ToList();
        if (!tops.Any(t => t.Key == a.Text))
        {
            tops.Add((a.Text, -0.01));
        }

        // At most five, like the API, and never without the answer itself.
        var answer = tops.First(t => t.Key == a.Text);
        return tops.Where(t => t.Key != a.Text).OrderByDescending(t => t.Item2).Take(4).Append(answer).OrderByDescending(t => t.Item2).ToList();
    }

    /// <summary>max_tokens=1 cuts the text to what the first token is (the scripted text itself: tests script one-token answers).</summary>
    private static int Tokens(ScriptedAnswer a) => a.CompletionTokens ?? Math.Max(1, a.Text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length);

    private JsonObject ScriptedCompletion(JsonObject json, string model, ScriptedAnswer a)
    {
        var wantLogprobs = json["logprobs"] is JsonValue lp && lp.TryGetValue<int>(out var n) && n > 0;
        var tops = Tops(a);
        return new JsonObject
        {
            ["id"] = NewId("cmpl-"),
            ["object"] = "text_completion",
            ["created"] = Now(),
            ["model"] = model,
            ["choices"] = new JsonArray(new JsonObject
            {
                ["text"] = a.Text,
                ["index"] = 0,
                ["logprobs"] = wantLogprobs
                    ? new JsonObject
                    {
                        ["tokens"] = new JsonArray(a.Text),
                        ["token_logprobs"] = new JsonArray(tops.First(t => t.Token == a.Text).Logprob),
                        ["top_logprobs"] = new JsonArray(new JsonObject(tops.Select(t => KeyValuePair.Create(t.Token, (JsonNode?)t.Logprob)))),
                        ["text_offset"] = new JsonArray(0),
                    }
                    : null,
                ["finish_reason"] = a.FinishReason,
            }),
            ["usage"] = new JsonObject { ["prompt_tokens"] = 10, ["completion_tokens"] = Tokens(a), ["total_tokens"] = 10 + Tokens(a) },
        };
    }

    private JsonObject ScriptedChat(JsonObject json, string model, ScriptedAnswer a)
    {
        var wantLogprobs = json["logprobs"]?.GetValue<bool>() == true;
        var tops = Tops(a);
        JsonArray Bytes(string s) => new(Encoding.UTF8.GetBytes(s).Select(b => (JsonNode)JsonValue.Create((int)b)).ToArray());
        return new JsonObject
        {
            ["id"] = NewId("chatcmpl-"),
            ["object"] = "chat.completion",
            ["created"] = Now(),
            ["model"] = model,
            ["choices"] = new JsonArray(new JsonObject
            {
                ["index"] = 0,
                ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = a.Text, ["refusal"] = null },
                ["logprobs"] = wantLogprobs
                    ? new JsonObject
                    {
                        ["content"] = new JsonArray(new JsonObject
                        {
                            ["token"] = a.Text,
                            ["logprob"] = tops.First(t => t.Token == a.Text).Logprob,
                            ["bytes"] = Bytes(a.Text),
                            ["top_logprobs"] = new JsonArray(tops.Select(t => (JsonNode)new JsonObject { ["token"] = t.Token, ["logprob"] = t.Logprob, ["bytes"] = Bytes(t.Token) }).ToArray()),
                        }),
                        ["refusal"] = null,
                    }
                    : null,
                ["finish_reason"] = a.FinishReason,
            }),
            ["usage"] = new JsonObject { ["prompt_tokens"] = 10, ["completion_tokens"] = Tokens(a), ["total_tokens"] = 10 + Tokens(a) },
        };
    }
}
