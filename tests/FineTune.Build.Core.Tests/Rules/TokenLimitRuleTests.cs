using FineTune.Build.Compilation;
using FineTune.Build.Core.Tests.Compilation;
using FineTune.Build.Diagnostics;
using FineTune.Build.Examples;
using FineTune.Build.Models;
using FineTune.Build.Rules;
using FineTune.Build.Tokens;
using static FineTune.Build.Core.Tests.Rules.RuleHarness;

namespace FineTune.Build.Core.Tests.Rules;

[TestClass]
public sealed class TokenLimitRuleTests
{
    private static readonly TokenLimitRule Rule = new();

    private const string Ad = "Company: BHFF insurance\nProduct: allround insurance\nAd:One stop shop for all your insurance needs!\nSupported:";

    private static (int Tokens, IReadOnlyList<Diagnostic> Diagnostics) Count(Example example, ModelEntry model, string modelName)
    {
        var context = new RuleContext(model, modelName, () => TokenCounter.ForCurrentThread(model.Tokenizer));
        Rule.Check(example, context);
        return (context.TokenCount, context.Pending);
    }

    private static ModelEntry Overridden(TempFolder folder, string json)
    {
        var load = ModelCatalog.Load(folder.Write("models.json", json));
        Assert.IsEmpty(load.Errors);
        return load.Catalog.Lookup("babbage-002").Entry;
    }

    [TestMethod]
    [DataRow("davinci", 27 + 1)]
    [DataRow("babbage-002", 25 + 1)]
    public void CompletionExample_CountsPromptPlusCompletion_WithTheModelsTokenizer(string model, int expected)
    {
        // Pinned tiktoken counts (Tokens/TokenCounterTests): the ad is 27 tokens in r50k_base, 25 in cl100k_base; " yes" is 1.
        using var folder = new TempFolder();
        var example = Bind(folder, "a.jsonl", "{\"prompt\": \"Company: BHFF insurance\\nProduct: allround insurance\\nAd:One stop shop for all your insurance needs!\\nSupported:\", \"completion\": \" yes\"}\n", DatasetFormat.Completion)[0];
        var entry = Model(model);
        var (tokens, diagnostics) = Count(example, entry, model);

        Assert.AreEqual(expected, tokens);
        var counter = TokenCounter.Create(entry.Tokenizer);
        Assert.AreEqual(counter.CountTokens(Ad) + counter.CountTokens(" yes"), tokens);
        Assert.IsEmpty(diagnostics);
    }

    [TestMethod]
    [DataRow("gpt-3.5-turbo-0125", 129)]
    [DataRow("gpt-4o-mini-2024-07-18", 124)]
    public void ChatExample_CountsAsTheCookbook(string model, int expected)
    {
        // The cookbook's jargon conversation: 129 (cl100k) and 124 (o200k) prompt tokens, as the API reported.
        const string line = """{"messages": [{"role": "system", "content": "You are a helpful, pattern-following assistant that translates corporate jargon into plain English."}, {"role": "system", "name": "example_user", "content": "New synergies will help drive top-line growth."}, {"role": "system", "name": "example_assistant", "content": "Things working well together will increase revenue."}, {"role": "system", "name": "example_user", "content": "Let's circle back when we have more bandwidth to touch base on opportunities for increased leverage."}, {"role": "system", "name": "example_assistant", "content": "Let's talk later when we're less busy about how to do better."}, {"role": "user", "content": "This late pivot means we don't have time to boil the ocean for the client deliverable."}]}""";
        using var folder = new TempFolder();
        var example = Bind(folder, "chat.jsonl", line + "\n", DatasetFormat.Chat)[0];
        Assert.AreEqual(expected, Count(example, Model(model), model).Tokens);
    }

    [TestMethod]
    public void ChatExample_EqualsCountChatOfTheMappedMessages_WithToolsCallsAndParts()
    {
        const string toolsJson = """[{"type": "function", "function": {"name": "get_current_weather", "description": "Get the current weather", "parameters": {"type": "object", "properties": {"location": {"type": "string"}, "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]}}, "required": ["location"]}}}]""";
        const string callsJson = """[{"id": "call_1", "type": "function", "function": {"name": "get_current_weather", "arguments": "{\"location\": \"Paris\"}"}}]""";
        var line = $$"""{"messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "name": "ann", "content": [{"type": "text", "text": "Weather in "}, {"type": "text", "text": "Paris?"}]}, {"role": "assistant", "tool_calls": {{callsJson}}}, {"role": "tool", "tool_call_id": "call_1", "content": "18 C"}, {"role": "assistant", "content": "It is 18 C.", "weight": 1}], "tools": {{toolsJson}}}""";
        using var folder = new TempFolder();
        var example = Bind(folder, "chat.jsonl", line + "\n", DatasetFormat.Chat)[0];
        var entry = Model("gpt-4o-mini");

        var counter = TokenCounter.Create(entry.Tokenizer);
        var expected = counter.CountChat(
            [
                new ChatTokenMessage("system", "Be brief."),
                new ChatTokenMessage("user", "Weather in Paris?", Name: "ann"),
                new ChatTokenMessage("assistant", null, ToolCallsJson: callsJson),
                new ChatTokenMessage("tool", "18 C", ToolCallId: "call_1"),
                new ChatTokenMessage("assistant", "It is 18 C."),
            ],
            ChatTokenTools.FromJson(toolsJson));
        Assert.AreEqual(expected, Count(example, entry, "gpt-4o-mini").Tokens);
    }

    [TestMethod]
    public void ChatExample_WithTheCookbooksWeatherTool_Is101TokensOnGpt4o()
    {
        // How_to_count_tokens_with_tiktoken.ipynb: 101 prompt tokens for gpt-4o (checked there against the API).
        const string line = """{"messages": [{"role": "system", "content": "You are a helpful assistant that can answer to questions about the weather."}, {"role": "user", "content": "What's the weather like in San Francisco?"}], "tools": [{"type": "function", "function": {"name": "get_current_weather", "description": "Get the current weather in a given location", "parameters": {"type": "object", "properties": {"location": {"type": "string", "description": "The city and state, e.g. San Francisco, CA"}, "unit": {"type": "string", "description": "The unit of temperature to return", "enum": ["celsius", "fahrenheit"]}}, "required": ["location"]}}}]}""";
        using var folder = new TempFolder();
        var example = Bind(folder, "chat.jsonl", line + "\n", DatasetFormat.Chat)[0];
        Assert.AreEqual(101, Count(example, Model("gpt-4o"), "gpt-4o").Tokens);
    }

    [TestMethod]
    public void PreferenceExample_CountsTheInputAndTheLongerOutput()
    {
        const string line = """{"input": {"messages": [{"role": "user", "content": "What is the weather in San Francisco?"}]}, "preferred_output": [{"role": "assistant", "content": "The weather in San Francisco is 70 degrees Fahrenheit."}], "non_preferred_output": [{"role": "assistant", "content": "It is warm."}]}""";
        using var folder = new TempFolder();
        var example = Bind(folder, "dpo.jsonl", line + "\n", DatasetFormat.Preference)[0];
        var entry = Model("gpt-4o-mini");
        var counter = TokenCounter.Create(entry.Tokenizer);
        var preference = counter.CountPreference(
            [new ChatTokenMessage("user", "What is the weather in San Francisco?")],
            null,
            [new ChatTokenMessage("assistant", "The weather in San Francisco is 70 degrees Fahrenheit.")],
            [new ChatTokenMessage("assistant", "It is warm.")]);
        Assert.AreEqual(preference, Count(example, entry, "gpt-4o-mini").Tokens);
        var inputAndLonger = counter.CountChat([new ChatTokenMessage("user", "What is the weather in San Francisco?")])
            + counter.CountMessage(new ChatTokenMessage("assistant", "The weather in San Francisco is 70 degrees Fahrenheit."));
        Assert.AreEqual(inputAndLonger, preference);
    }

    [TestMethod]
    public void OverTheCatalogOverriddenLimit_IsFT4010_AtTheExample_AndAtTheLimitIsNot()
    {
        using var folder = new TempFolder();
        const string jsonl = "{\"prompt\": \"Hi\", \"completion\": \" yes\"}\n  {\"prompt\": \"Company: BHFF insurance\", \"completion\": \" yes\"}\n";
        var examples = Bind(folder, "a.jsonl", jsonl, DatasetFormat.Completion);
        var counter = TokenCounter.Create("cl100k_base");
        var size = counter.CountTokens("Company: BHFF insurance") + counter.CountTokens(" yes");

        var atLimit = Overridden(folder, $$"""{"models": [{"name": "babbage-002", "maxExampleTokens": {{size}}}]}""");
        Assert.AreEqual(size, atLimit.MaxExampleTokens);
        Assert.IsEmpty(Check(Rule, examples, atLimit, "babbage-002"));

        var below = Overridden(folder, $$"""{"models": [{"name": "babbage-002", "maxExampleTokens": {{size - 1}}}]}""");
        var d = Single(Check(Rule, examples, below, "babbage-002"), "FT4010", 2, 3, DiagnosticSeverity.Error);
        StringAssert.Contains(d.Message, $"This example is {size} tokens; babbage-002 takes at most {size - 1} per example");
    }

    [TestMethod]
    public void OverTheLimit_InACompile_IsFT4010_AtTheYamlExample_AndFailsTheBuild()
    {
        using var folder = new TempFolder();
        var yaml = CompileHarness.GenerationYaml(11) + "- prompt: " + string.Join(" ", Enumerable.Repeat("word", 40)) + "\n  completion: long\n";
        var run = CompileHarness.Compile(folder, "a.yaml", yaml, new CompileSetup
        {
            Catalog = """{"models": [{"name": "babbage-002", "maxExampleTokens": 30}]}""",
            Task = DatasetTask.Generation,
            Policy = new DiagnosticPolicy(noWarn: "FT4030;FT3006"),
        });

        Assert.AreEqual("FT4010(23,3)", run.Codes);
        Assert.IsFalse(run.Result.Succeeded);
        StringAssert.Contains(run.Only("FT4010").Message, "babbage-002 takes at most 30 per example");
    }
}
