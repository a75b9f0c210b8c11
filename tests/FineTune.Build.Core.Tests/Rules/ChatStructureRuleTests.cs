using FineTune.Build.Diagnostics;
using FineTune.Build.Examples;
using FineTune.Build.Rules;
using FineTune.Build.Sources;
using static FineTune.Build.Core.Tests.Rules.RuleHarness;

namespace FineTune.Build.Core.Tests.Rules;

[TestClass]
public sealed class ChatStructureRuleTests
{
    private static readonly ChatStructureRule Rule = new();

    private const string Tools = """ "tools": [{"type": "function", "function": {"name": "takeoff", "parameters": {"type": "object", "properties": {"altitude": {"type": "integer"}}}}}]""";

    private const string Call = """{"id": "call_1", "type": "function", "function": {"name": "takeoff", "arguments": "{\"altitude\": 100}"}}""";

    private static List<Diagnostic> Chat(string line) => Check(Rule, "chat.jsonl", line + "\n");

    private static List<Diagnostic> Preference(string line) => Check(Rule, "dpo.jsonl", line + "\n", DatasetFormat.Preference);

    /// <summary>A conversation with a tool call and its answer, with one part replaced.</summary>
    private static string ToolConversation(string call = Call, string toolMessage = """{"role": "tool", "tool_call_id": "call_1", "content": "ok"}""", string tools = Tools)
        => $$"""{"messages": [{"role": "user", "content": "Take off"}, {"role": "assistant", "tool_calls": [{{call}}]}, {{toolMessage}}, {"role": "assistant", "content": "Done"}], {{tools}}}""";

    // FT5001

    [TestMethod]
    public void UnknownRole_IsFT5001_AtTheRoleValue()
    {
        const string line = """{"messages": [{"role": "user", "content": "Hi"}, {"role": "bot", "content": "Hello"}, {"role": "assistant", "content": "Hey"}]}""";
        var d = Single(Chat(line), "FT5001", 1, Col(line, "\"bot\""), DiagnosticSeverity.Error);
        StringAssert.Contains(d.Message, "Unknown role 'bot'");
        StringAssert.Contains(d.Message, "system, user, assistant or tool");
    }

    [TestMethod]
    public void UnknownRole_InYaml_IsAtTheRoleValue()
    {
        const string yaml = "- messages:\n    - role: user\n      content: Hi\n    - role: robot\n      content: Beep\n    - role: assistant\n      content: Hello\n";
        Single(Check(Rule, "chat.yaml", yaml), "FT5001", 4, Col("    - role: robot", "robot"), DiagnosticSeverity.Error);
    }

    [TestMethod]
    public void KnownRoles_IncludingDeveloper_PassCleanly()
    {
        Assert.AreEqual("", Codes(Chat("""{"messages": [{"role": "developer", "content": "Be brief"}, {"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hey", "weight": 1}]}""")));
        Assert.AreEqual("", Codes(Chat("""{"messages": [{"role": "system", "content": "S"}, {"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hey", "weight": 0}, {"role": "user", "content": "Again"}, {"role": "assistant", "content": "Hey"}]}""")));
    }

    // FT5002

    [TestMethod]
    public void NoAssistantMessage_IsFT5002_AtTheMessagesList()
    {
        const string line = """{"messages": [{"role": "system", "content": "S"}, {"role": "user", "content": "Hi"}]}""";
        var d = Single(Chat(line), "FT5002", 1, Col(line, "["), DiagnosticSeverity.Error);
        StringAssert.Contains(d.Message, "no assistant message");
    }

    // FT5003

    [TestMethod]
    public void Weight2_IsFT5003_AtTheWeight()
    {
        const string line = """{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hey", "weight": 2}]}""";
        var d = Single(Chat(line), "FT5003", 1, Col(line, "2}"), DiagnosticSeverity.Error);
        StringAssert.Contains(d.Message, "weight is 2");
        StringAssert.Contains(d.Message, "use 0");
    }

    [TestMethod]
    public void WeightInYaml_Half_IsFT5003()
    {
        const string yaml = "- messages:\n    - {role: user, content: Hi}\n    - {role: assistant, content: Hey, weight: 0.5}\n";
        var d = Single(Check(Rule, "chat.yaml", yaml), "FT5003", 3, Col("    - {role: assistant, content: Hey, weight: 0.5}", "0.5"), DiagnosticSeverity.Error);
        StringAssert.Contains(d.Message, "weight is 0.5");
    }

    [TestMethod]
    public void WeightOnAUserMessage_IsFT5003()
    {
        const string line = """{"messages": [{"role": "user", "content": "Hi", "weight": 1}, {"role": "assistant", "content": "Hey"}]}""";
        var d = Single(Chat(line), "FT5003", 1, Col(line, "1}"), DiagnosticSeverity.Error);
        StringAssert.Contains(d.Message, "only allowed on assistant messages, not on a user message");
    }

    // FT5004

    [TestMethod]
    public void SystemNotFirst_IsFT5004_AtTheMessage()
    {
        const string line = """{"messages": [{"role": "user", "content": "Hi"}, {"role": "system", "content": "Be nice"}, {"role": "assistant", "content": "Hey"}]}""";
        var d = Single(Chat(line), "FT5004", 1, Col(line, """{"role": "system"""), DiagnosticSeverity.Error);
        StringAssert.Contains(d.Message, "system message must be the first message");
    }

    // FT5005

    [TestMethod]
    public void WellFormedToolCall_AndItsAnswer_PassCleanly()
    {
        Assert.AreEqual("", Codes(Chat(ToolConversation())));
    }

    [TestMethod]
    public void ToolCallType_OtherThanFunction_IsFT5005()
    {
        var line = ToolConversation(call: Call.Replace("\"type\": \"function\"", "\"type\": \"web\"", StringComparison.Ordinal));
        var d = Single(Chat(line), "FT5005", 1, Col(line, "\"web\""), DiagnosticSeverity.Error);
        StringAssert.Contains(d.Message, "Tool call type 'web' is not supported");
    }

    [TestMethod]
    public void EmptyToolCallId_IsFT5005_AtTheId()
    {
        var line = ToolConversation(
            call: Call.Replace("\"id\": \"call_1\"", "\"id\": \"\"", StringComparison.Ordinal),
            toolMessage: """{"role": "tool", "tool_call_id": "", "content": "ok"}""");
        var d = Single(Chat(line), "FT5005", 1, Col(line, "\"id\": \"\"") + "\"id\": ".Length, DiagnosticSeverity.Error);
        StringAssert.Contains(d.Message, "tool call id is empty");
    }

    [TestMethod]
    public void ArgumentsNotJson_IsFT5005_AtTheArguments()
    {
        var line = ToolConversation(call: """{"id": "call_1", "type": "function", "function": {"name": "takeoff", "arguments": "{altitude: 100"}}""");
        var d = Single(Chat(line), "FT5005", 1, Col(line, "\"{altitude"), DiagnosticSeverity.Error);
        StringAssert.Contains(d.Message, "arguments is not valid JSON");
    }

    [TestMethod]
    public void ArgumentsJsonButNotAnObject_IsFT5005()
    {
        var line = ToolConversation(call: """{"id": "call_1", "type": "function", "function": {"name": "takeoff", "arguments": "[100]"}}""");
        var d = Single(Chat(line), "FT5005", 1, Col(line, "\"[100]\""), DiagnosticSeverity.Error);
        StringAssert.Contains(d.Message, "arguments must be a JSON object encoded as a string");
    }

    [TestMethod]
    public void ToolCallsOnAUserMessage_AreFT5005_AtTheList()
    {
        var line = $$"""{"messages": [{"role": "user", "content": "Hi", "tool_calls": [{{Call}}]}, {"role": "assistant", "content": "Hey"}], {{Tools}}}""";
        var d = Single(Chat(line), "FT5005", 1, Col(line, "[{\"id\""), DiagnosticSeverity.Error);
        StringAssert.Contains(d.Message, "Only assistant messages make tool calls, not a user message");
    }

    [TestMethod]
    public void LegacyFunctionCall_WithBadArguments_IsFT5005()
    {
        const string line = """{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "function_call": {"name": "takeoff", "arguments": "not json"}}], "functions": [{"name": "takeoff", "parameters": {"type": "object"}}]}""";
        var d = Single(Chat(line), "FT5005", 1, Col(line, "\"not json\""), DiagnosticSeverity.Error);
        StringAssert.Contains(d.Message, "arguments is not valid JSON");
    }

    [TestMethod]
    public void DocumentedFT5005Violation_ArgumentsNotJson_IsFT5005_AndAMappingIsFT2003()
    {
        // docs/rules.md: `arguments: "{altitude: 100}"` (keys need quotes) is FT5005; a mapping is not a string: FT2003.
        using var folder = new TempFolder();
        const string yaml = "- messages:\n    - {role: user, content: Take off}\n    - role: assistant\n      tool_calls:\n        - id: call_1\n          type: function\n          function: {name: takeoff, arguments: \"{altitude: 100}\"}\n"
            + "- messages:\n    - {role: user, content: Take off}\n    - role: assistant\n      tool_calls:\n        - id: call_1\n          type: function\n          function: {name: takeoff, arguments: {altitude: 100}}\n";
        var source = new SourceFile(folder.Write("chat.yaml", yaml));
        var diagnostics = TestFiles.Collector();
        var binder = new ExampleBinder(diagnostics);
        var examples = TestFiles.Read(source, diagnostics).Select(r => binder.Bind(source, r, DatasetFormat.Chat)).OfType<Example>().ToList();
        var all = diagnostics.Diagnostics.Concat(Check(Rule, examples)).ToList();

        var column = Col("          function: {name: takeoff, arguments: {altitude: 100}}", "{altitude");
        Assert.AreEqual($"FT2003(14,{column}) FT5005(7,{column})", Codes(all));
    }

    // FT5006

    [TestMethod]
    public void ToolType_OtherThanFunction_IsFT5006()
    {
        var line = ToolConversation(tools: Tools.Replace("\"type\": \"function\"", "\"type\": \"retrieval\"", StringComparison.Ordinal));
        var d = Single(Chat(line), "FT5006", 1, Col(line, "\"retrieval\""), DiagnosticSeverity.Error);
        StringAssert.Contains(d.Message, "Tool type 'retrieval' is not supported");
    }

    [TestMethod]
    [DataRow("take off!")]
    [DataRow("x2345678901234567890123456789012345678901234567890123456789012345")]
    public void InvalidFunctionName_IsFT5006_AtTheName(string name)
    {
        var line = $$$"""{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hey"}], "tools": [{"type": "function", "function": {"name": "{{{name}}}"}}]}""";
        var d = Single(Chat(line), "FT5006", 1, Col(line, $"\"{name}\""), DiagnosticSeverity.Error);
        StringAssert.Contains(d.Message, $"Function name '{name}' is not valid");
    }

    [TestMethod]
    public void FunctionNameOf64Characters_IsValid()
    {
        var name = new string('a', 64);
        Assert.AreEqual("", Codes(Chat($$$"""{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hey"}], "tools": [{"type": "function", "function": {"name": "{{{name}}}"}}]}""")));
    }

    [TestMethod]
    public void DuplicateFunctionName_IsFT5006_AtTheSecondDefinition()
    {
        const string line = """{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hey"}], "tools": [{"type": "function", "function": {"name": "land"}}, {"type": "function", "function": {"name": "land"}}]}""";
        var d = Single(Chat(line), "FT5006", 1, Col(line, "\"land\"", 2), DiagnosticSeverity.Error);
        StringAssert.Contains(d.Message, "'land' is defined twice");
    }

    [TestMethod]
    public void ParametersNotAnObject_IsFT5006_AtTheParameters()
    {
        const string line = """{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hey"}], "tools": [{"type": "function", "function": {"name": "land", "parameters": "none"}}]}""";
        var d = Single(Chat(line), "FT5006", 1, Col(line, "\"none\""), DiagnosticSeverity.Error);
        StringAssert.Contains(d.Message, "parameters must be a JSON Schema object");
        StringAssert.Contains(d.Message, "not a string");
    }

    // FT5007

    [TestMethod]
    public void Preference_WellFormed_PassesCleanly()
    {
        Assert.AreEqual("", Codes(Preference("""{"input": {"messages": [{"role": "user", "content": "Hi"}]}, "preferred_output": [{"role": "assistant", "content": "Hello"}], "non_preferred_output": [{"role": "assistant", "content": "Go away"}]}""")));
    }

    [TestMethod]
    public void Preference_RealOpenApiExamples_PassCleanly()
    {
        foreach (var name in new[] { "derived/openapi_pr465_FineTunePreferenceRequestInput_example.jsonl" })
        {
            var examples = Bind(new SourceFile(TestFiles.Shared(name)), DatasetFormat.Preference);
            Assert.AreEqual("", Codes(Check(Rule, examples)), name);
        }
    }

    [TestMethod]
    public void PreferenceOutputWithTwoMessages_IsFT5007_AtTheOutput()
    {
        const string line = """{"input": {"messages": [{"role": "user", "content": "Hi"}]}, "preferred_output": [{"role": "assistant", "content": "A"}, {"role": "assistant", "content": "B"}], "non_preferred_output": [{"role": "assistant", "content": "C"}]}""";
        var d = Single(Preference(line), "FT5007", 1, Col(line, "[", 2), DiagnosticSeverity.Error);
        StringAssert.StartsWith(d.Message, "preferred_output must hold exactly one assistant message (it has 2 message(s))");
    }

    [TestMethod]
    public void PreferenceOutputWithAUserMessage_IsFT5007()
    {
        const string line = """{"input": {"messages": [{"role": "user", "content": "Hi"}]}, "preferred_output": [{"role": "assistant", "content": "A"}], "non_preferred_output": [{"role": "user", "content": "C"}]}""";
        var d = Single(Preference(line), "FT5007", 1, Col(line, "[", 3), DiagnosticSeverity.Error);
        StringAssert.StartsWith(d.Message, "non_preferred_output must hold exactly one assistant message");
        StringAssert.Contains(d.Message, "with role 'user'");
    }

    [TestMethod]
    public void PreferenceOutputWithNoMessage_IsRejected_ByTheBinderOrFT5007()
    {
        const string line = """{"input": {"messages": [{"role": "user", "content": "Hi"}]}, "preferred_output": [], "non_preferred_output": [{"role": "assistant", "content": "C"}]}""";
        using var folder = new TempFolder();

        // Through the pipeline the binder already stops it (an empty list is FT2002)...
        var source = new SourceFile(folder.Write("dpo.jsonl", line + "\n"));
        var diagnostics = TestFiles.Collector();
        var bound = TestFiles.Read(source, diagnostics).Select(r => new ExampleBinder(diagnostics).Bind(source, r, DatasetFormat.Preference)).ToList();
        Assert.IsNull(bound[0]);
        Assert.AreEqual($"FT2002(1,{Col(line, "[]")})", TestFiles.Codes(diagnostics));

        // ...and the rule on its own reports it too.
        var d = Single(Check(Rule, Unbound(folder, "raw.jsonl", line + "\n", DatasetFormat.Preference)), "FT5007", 1, Col(line, "[]"), DiagnosticSeverity.Error);
        StringAssert.Contains(d.Message, "(it has 0 message(s))");
    }

    // FT5008

    [TestMethod]
    public void NoUserMessage_IsFT5008Warning_AtTheMessagesList()
    {
        const string line = """{"messages": [{"role": "system", "content": "S"}, {"role": "assistant", "content": "Hi"}]}""";
        var d = Single(Chat(line), "FT5008", 1, Col(line, "["), DiagnosticSeverity.Warning);
        StringAssert.Contains(d.Message, "no user message");
    }

    [TestMethod]
    public void NoUserMessage_InAPreferenceInput_IsFT5008()
    {
        const string line = """{"input": {"messages": [{"role": "system", "content": "S"}]}, "preferred_output": [{"role": "assistant", "content": "A"}], "non_preferred_output": [{"role": "assistant", "content": "B"}]}""";
        Single(Preference(line), "FT5008", 1, Col(line, "["), DiagnosticSeverity.Warning);
    }

    // FT5009

    [TestMethod]
    public void ToolMessageWithoutToolCallId_IsFT5009_AtTheMessage()
    {
        var line = ToolConversation(toolMessage: """{"role": "tool", "content": "ok"}""");
        var d = Single(Chat(line), "FT5009", 1, Col(line, """{"role": "tool"""), DiagnosticSeverity.Error);
        StringAssert.Contains(d.Message, "needs tool_call_id");
    }

    [TestMethod]
    public void ToolMessageWithAnUnknownId_IsFT5009_AtTheId()
    {
        var line = ToolConversation(toolMessage: """{"role": "tool", "tool_call_id": "call_9", "content": "ok"}""");
        var d = Single(Chat(line), "FT5009", 1, Col(line, "\"call_9\""), DiagnosticSeverity.Error);
        StringAssert.Contains(d.Message, "tool_call_id 'call_9' matches no earlier tool call");
    }

    [TestMethod]
    public void ToolMessageBeforeItsCall_IsFT5009()
    {
        var line = $$"""{"messages": [{"role": "user", "content": "Take off"}, {"role": "tool", "tool_call_id": "call_1", "content": "ok"}, {"role": "assistant", "tool_calls": [{{Call}}]}], {{Tools}}}""";
        Single(Chat(line), "FT5009", 1, Col(line, "\"call_1\""), DiagnosticSeverity.Error);
    }

    // FT5010

    [TestMethod]
    public void CallToAnUndefinedFunction_IsFT5010Warning_AtTheName()
    {
        var line = ToolConversation(call: Call.Replace("\"name\": \"takeoff\"", "\"name\": \"land\"", StringComparison.Ordinal));
        var d = Single(Chat(line), "FT5010", 1, Col(line, "\"land\""), DiagnosticSeverity.Warning);
        StringAssert.Contains(d.Message, "The call names 'land', which the example's tools do not define (takeoff)");
    }

    [TestMethod]
    public void CallWithoutAnyToolsDefined_IsNotFT5010()
    {
        var line = $$"""{"messages": [{"role": "user", "content": "Take off"}, {"role": "assistant", "tool_calls": [{{Call}}]}, {"role": "tool", "tool_call_id": "call_1", "content": "ok"}, {"role": "assistant", "content": "Done"}]}""";
        Assert.AreEqual("", Codes(Chat(line)));
    }

    // Several violations in one example are all reported.

    [TestMethod]
    public void EveryViolationOfAnExample_IsReported()
    {
        const string line = """{"messages": [{"role": "assistant", "content": "Hi", "weight": 3}, {"role": "system", "content": "S"}, {"role": "bot", "content": "x"}]}""";
        Assert.AreEqual(
            $"FT5003(1,{Col(line, "3}")}) FT5004(1,{Col(line, """{"role": "system""")}) FT5001(1,{Col(line, "\"bot\"")}) FT5008(1,{Col(line, "[")})",
            Codes(Chat(line)));
    }

    [TestMethod]
    public void CompletionExamples_AreNotChecked()
    {
        Assert.AreEqual("", Codes(Check(Rule, "a.jsonl", "{\"prompt\": \"q\", \"completion\": \"a\"}\n", DatasetFormat.Completion)));
    }

    // Real files.

    [TestMethod]
    public void RealFile_DroneTraining_HasNoStructureDiagnostics()
    {
        var examples = Bind(new SourceFile(TestFiles.Shared("drone_training.jsonl")), DatasetFormat.Chat);
        Assert.HasCount(103, examples);
        Assert.AreEqual("", Codes(Check(Rule, examples)));
    }

    [TestMethod]
    public void RealFile_ToyChat_HasOneFT5008_AtLine4()
    {
        var examples = Bind(new SourceFile(TestFiles.Shared("toy_chat_fine_tuning.jsonl")), DatasetFormat.Chat);
        var diagnostics = Check(Rule, examples);
        Single(diagnostics, "FT5008", 4, Col("{\"messages\": [", "["), DiagnosticSeverity.Warning);
    }
}
