using FineTune.Build.Tokens;

namespace FineTune.Build.Core.Tests.Tokens;

// Chat counts pinned to the OpenAI cookbook formula run on npm tiktoken. The cookbook's own published figures are the
// first two: 129 (gpt-3.5/gpt-4, cl100k_base) and 124 (gpt-4o, o200k_base) prompt tokens for its jargon conversation,
// and 105 / 101 for its weather-tool prompt (How_to_count_tokens_with_tiktoken.ipynb, checked there against the API).
[TestClass]
public sealed class ChatTokenCountingTests
{
    private static readonly ChatTokenMessage[] Cookbook =
    [
        new("system", "You are a helpful, pattern-following assistant that translates corporate jargon into plain English."),
        new("system", "New synergies will help drive top-line growth.", Name: "example_user"),
        new("system", "Things working well together will increase revenue.", Name: "example_assistant"),
        new("system", "Let's circle back when we have more bandwidth to touch base on opportunities for increased leverage.", Name: "example_user"),
        new("system", "Let's talk later when we're less busy about how to do better.", Name: "example_assistant"),
        new("user", "This late pivot means we don't have time to boil the ocean for the client deliverable."),
    ];

    private static readonly ChatTokenMessage[] Marv =
    [
        new("system", "Marv is a factual chatbot that is also sarcastic."),
        new("user", "What's the capital of France?"),
        new("assistant", "Paris, as if everyone doesn't know that already."),
    ];

    private const string WeatherToolsJson = """
        [{"type":"function","function":{"name":"get_current_weather","description":"Get the current weather in a given location",
          "parameters":{"type":"object","properties":{
            "location":{"type":"string","description":"The city and state, e.g. San Francisco, CA"},
            "unit":{"type":"string","description":"The unit of temperature to return","enum":["celsius","fahrenheit"]}},
          "required":["location"]}}}]
        """;

    private static readonly ChatTokenMessage[] Weather =
    [
        new("system", "You are a helpful assistant that can answer to questions about the weather."),
        new("user", "What's the weather like in San Francisco?"),
    ];

    private static readonly ChatTokenMessage[] ToolConversation =
    [
        new("user", "What's the weather like in Paris?"),
        new("assistant", null, ToolCallsJson: """[{"id":"call_1","type":"function","function":{"name":"get_current_weather","arguments":"{\"location\": \"Paris, France\", \"unit\": \"celsius\"}"}}]"""),
        new("tool", """{"temperature": 18}""", ToolCallId: "call_1"),
        new("assistant", "It is 18 °C in Paris."),
    ];

    [TestMethod]
    [DataRow("cl100k_base", 129)]
    [DataRow("o200k_base", 124)]
    [DataRow("r50k_base", 134)]
    public void Cookbook_conversation(string encoding, int expected) =>
        Assert.AreEqual(expected, TokenCounter.Create(encoding).CountChat(Cookbook));

    [TestMethod]
    [DataRow("cl100k_base", 46)]
    [DataRow("o200k_base", 43)]
    public void Seed_marv_conversation(string encoding, int expected) =>
        Assert.AreEqual(expected, TokenCounter.Create(encoding).CountChat(Marv));

    [TestMethod]
    [DataRow("cl100k_base", 105, 71)]
    [DataRow("o200k_base", 101, 68)]
    public void Cookbook_tool_definitions(string encoding, int expectedPrompt, int expectedTools)
    {
        var counter = TokenCounter.Create(encoding);
        var tools = ChatTokenTools.FromJson(WeatherToolsJson);

        Assert.AreEqual(1, tools.Count);
        Assert.AreEqual(expectedTools, counter.CountToolDefinitions(tools));
        Assert.AreEqual(expectedPrompt, counter.CountChat(Weather, tools));
    }

    [TestMethod]
    [DataRow("cl100k_base", 63)]
    [DataRow("o200k_base", 62)]
    public void Tool_calls_count_function_name_and_arguments(string encoding, int expected) =>
        Assert.AreEqual(expected, TokenCounter.Create(encoding).CountChat(ToolConversation));

    [TestMethod]
    public void Legacy_functions_array_and_function_call_are_understood()
    {
        var counter = TokenCounter.Create(TokenEncodings.Cl100kBase);
        const string functions = """[{"name":"get_current_weather","description":"Get the current weather in a given location","parameters":{"type":"object","properties":{"location":{"type":"string","description":"The city and state, e.g. San Francisco, CA"},"unit":{"type":"string","description":"The unit of temperature to return","enum":["celsius","fahrenheit"]}}}}]""";

        Assert.AreEqual(71, counter.CountToolDefinitions(ChatTokenTools.FromJson(functions)));

        var viaToolCalls = counter.CountMessage(ToolConversation[1]);
        var viaFunctionCall = counter.CountMessage(new ChatTokenMessage("assistant", null,
            FunctionCallJson: """{"name":"get_current_weather","arguments":"{\"location\": \"Paris, France\", \"unit\": \"celsius\"}"}"""));
        Assert.AreEqual(viaToolCalls, viaFunctionCall);
    }

    [TestMethod]
    public void Malformed_tool_json_is_counted_not_thrown()
    {
        var counter = TokenCounter.Create(TokenEncodings.O200kBase);

        Assert.AreEqual(0, ChatTokenTools.FromJson("{not json").Count);
        var message = new ChatTokenMessage("assistant", null, ToolCallsJson: "[{broken");
        Assert.AreEqual(3 + counter.CountTokens("assistant") + counter.CountTokens("[{broken"), counter.CountMessage(message));
    }

    [TestMethod]
    public void Preference_counts_input_plus_the_longer_output()
    {
        var counter = TokenCounter.Create(TokenEncodings.O200kBase);
        ChatTokenMessage[] input = [new("user", "Hello, can you tell me how cold San Francisco is today?")];
        ChatTokenMessage[] preferred = [new("assistant", "Today in San Francisco, it is not quite cold as expected. Morning clouds will give away to sunshine, with a high near 68°F (20°C) and a low around 57°F (14°C).")];
        ChatTokenMessage[] nonPreferred = [new("assistant", "It is not particularly cold in San Francisco today.")];

        int expected = Math.Max(counter.CountChat([.. input, .. preferred]), counter.CountChat([.. input, .. nonPreferred]));
        Assert.AreEqual(expected, counter.CountPreference(input, null, preferred, nonPreferred));
    }

    [TestMethod]
    public void Overheads_follow_the_cookbook_per_encoding()
    {
        Assert.AreEqual(7, ChatTokenOverheads.For("o200k_base").FunctionInit);
        Assert.AreEqual(10, ChatTokenOverheads.For("cl100k_base").FunctionInit);
        Assert.AreEqual(3, ChatTokenOverheads.For("cl100k_base").PerMessage);
        Assert.AreEqual(1, ChatTokenOverheads.For("cl100k_base").PerName);
        Assert.AreEqual(3, ChatTokenOverheads.For("cl100k_base").ReplyPriming);
    }
}
