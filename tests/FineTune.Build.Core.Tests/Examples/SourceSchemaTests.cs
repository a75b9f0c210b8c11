extern alias JsonSchemaNet;

using System.Text.Json;
using System.Text.Json.Nodes;
using FineTune.Build.Examples;
using FineTune.Build.Sources;
using JsonSchema = JsonSchemaNet::Json.Schema.JsonSchema;

namespace FineTune.Build.Core.Tests.Examples;

/// <summary>
/// The JSON Schema for YAML sources (schemas/finetune-source.schema.json) and the binder agree: each object of the
/// schema has exactly the keys and required keys of the binder's field model (<see cref="Shapes"/>), and a corpus of
/// examples is accepted or rejected by both alike (validated with JsonSchema.Net).
/// </summary>
[TestClass]
public sealed class SourceSchemaTests
{
    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "FineTune.Build.sln")))
            {
                return dir.FullName;
            }
        }

        Assert.Fail("FineTune.Build.sln not found above " + AppContext.BaseDirectory);
        return "";
    }

    private static string SchemaText() => File.ReadAllText(Path.Combine(RepositoryRoot(), "src", "FineTune.Build.Sdk", "schemas", "finetune-source.schema.json"));

    /// <summary>Built once: JsonSchema.Net registers a schema by its $id and refuses a second one.</summary>
    private static readonly Lazy<JsonSchema> Schema = new(() => JsonSchema.FromText(SchemaText()));

    private static JsonObject Definitions() => JsonNode.Parse(SchemaText())!["$defs"]!.AsObject();

    public static IEnumerable<object[]> ShapesAndDefinitions =>
    [
        ["completionExample", Shapes.Completion],
        ["chatExample", Shapes.Chat],
        ["preferenceExample", Shapes.Preference],
        ["message", Shapes.Message],
        ["contentPart", Shapes.ContentPart],
        ["imageUrl", Shapes.ImageUrl],
        ["functionCall", Shapes.FunctionCall],
        ["toolCall", Shapes.ToolCall],
        ["functionDefinition", Shapes.FunctionDefinition],
        ["tool", Shapes.Tool],
    ];

    [TestMethod]
    [DynamicData(nameof(ShapesAndDefinitions))]
    public void EverySchemaObject_HasTheKeysAndRequiredKeysOfItsShape(string definition, Shape shape)
    {
        var schema = Definitions()[definition]!.AsObject();
        AssertSameShape(definition, schema, shape);
    }

    [TestMethod]
    public void ThePreferenceInput_HasTheKeysOfItsShape()
        => AssertSameShape("preferenceExample.input", Definitions()["preferenceExample"]!["properties"]!["input"]!.AsObject(), Shapes.PreferenceInput);

    private static void AssertSameShape(string name, JsonObject schema, Shape shape)
    {
        var keys = schema["properties"]!.AsObject().Select(p => p.Key).Order(StringComparer.Ordinal).ToList();
        CollectionAssert.AreEqual(shape.Fields.Select(f => f.Name).Order(StringComparer.Ordinal).ToList(), keys, $"{name}: keys");
        var required = (schema["required"]?.AsArray().Select(n => n!.GetValue<string>()) ?? []).Order(StringComparer.Ordinal).ToList();
        CollectionAssert.AreEqual(shape.Fields.Where(f => f.Required).Select(f => f.Name).Order(StringComparer.Ordinal).ToList(), required, $"{name}: required keys");
        Assert.IsFalse(schema["additionalProperties"]!.GetValue<bool>(), $"{name}: the binder reports unknown keys (FT2001)");
    }

    private const string User = """{"role": "user", "content": "What is this cheese?"}""";
    private const string Assistant = """{"role": "assistant", "content": "Danbo"}""";

    /// <summary>Examples and whether they bind: every rejection here is one the schema can express.</summary>
    public static IEnumerable<object[]> Corpus =>
    [
        ["""{"prompt": "1 + 3 =", "completion": " 4"}""", true],
        ["""{"prompt": "", "completion": " Once upon a time"}""", true],
        ["""{"prompt": "a", "completion": " b", "id": "x1", "split": "validation"}""", true],
        [$$$$"""{"messages": [{{{{User}}}}, {{{{Assistant}}}}]}""", true],
        [$$$$"""{"messages": [{{{{User}}}}, {"role": "assistant", "content": null, "tool_calls": [{"id": "c1", "type": "function", "function": {"name": "f", "arguments": "{}"}}]}], "tools": [{"type": "function", "function": {"name": "f", "parameters": {"type": "object"}}}]}""", true],
        [$$$$"""{"messages": [{"role": "user", "content": [{"type": "text", "text": "What is it?"}, {"type": "image_url", "image_url": {"url": "https://example.com/a.png", "detail": "low"}}]}, {{{{Assistant}}}}]}""", true],
        [$$$$"""{"input": {"messages": [{{{{User}}}}]}, "preferred_output": [{{{{Assistant}}}}], "non_preferred_output": [{"role": "assistant", "content": "Brie"}]}""", true],

        // Rejected by the binder, and by the schema.
        [$$$$"""{"messages": [{"role": "user"}, {{{{Assistant}}}}]}""", false],
        [$$$$"""{"messages": [{"role": "user", "content": null}, {{{{Assistant}}}}]}""", false],
        [$$$$"""{"messages": [{"role": "user", "content": "  "}, {{{{Assistant}}}}]}""", false],
        [$$$$"""{"messages": [{"role": "user", "content": []}, {{{{Assistant}}}}]}""", false],
        [$$$$"""{"messages": [{"role": "user", "content": 123}, {{{{Assistant}}}}]}""", false],
        [$$$$"""{"messages": [{"role": 7, "content": "hi"}, {{{{Assistant}}}}]}""", false],
        [$$$$"""{"messages": [{"content": "hi"}, {{{{Assistant}}}}]}""", false],
        [$$$$"""{"messages": [{"role": "user", "content": "hi", "label": "x"}, {{{{Assistant}}}}]}""", false],
        [$$$$"""{"messages": [{{{{User}}}}, {"role": "assistant", "content": "ok", "weight": "one"}]}""", false],
        ["""{"messages": []}""", false],
        [$$$$"""{"messages": [{{{{User}}}}, {{{{Assistant}}}}], "tools": ["f"]}""", false],
        [$$$$"""{"messages": [{{{{User}}}}, {"role": "assistant", "tool_calls": [{"type": "function", "function": {"name": "f", "arguments": "{}"}}]}]}""", false],
        [$$$$"""{"messages": [{"role": "user", "content": [{"type": "image_url", "image_url": {"detail": "low"}}]}, {{{{Assistant}}}}]}""", false],
        [$$$$"""{"messages": [{"role": "user", "content": [{"type": "image_url", "image_url": {"url": "https://example.com/a.png", "size": 3}}]}, {{{{Assistant}}}}]}""", false],
        [$$$$"""{"messages": [{"role": "user", "content": [{"text": "no type"}]}, {{{{Assistant}}}}]}""", false],
        ["""{"prompt": "a", "completion": ""}""", false],
        ["""{"prompt": "a"}""", false],
        ["""{"prompt": 5, "completion": " b"}""", false],
        ["""{"prompt": "a", "completion": " b", "label": "x"}""", false],
        ["""{"prompt": "a", "completion": " b", "split": "test"}""", false],
        [$$$$"""{"input": {"messages": [{{{{User}}}}]}, "preferred_output": [{{{{Assistant}}}}]}""", false],
    ];

    [TestMethod]
    [DynamicData(nameof(Corpus))]
    public void TheSchemaAndTheBinder_AcceptAndRejectTheSameExamples(string line, bool valid)
    {
        using var folder = new TempFolder();
        var source = new SourceFile(folder.Write("a.jsonl", line + "\n"));
        var diagnostics = TestFiles.Collector();
        var record = TestFiles.Read(source, diagnostics).Single();
        var format = Shapes.Detect(record.Node)!.Value;

        // An empty prompt is an error only beside non-empty ones (open-ended generation): a dataset rule, not the schema's.
        var example = new ExampleBinder(diagnostics).BindChecked(source, record, format, allowEmptyPrompt: true);
        Assert.AreEqual(valid, example is { HasBindErrors: false }, "binder: " + TestFiles.Codes(diagnostics));

        using var document = JsonDocument.Parse("[" + line + "]");
        Assert.AreEqual(valid, Schema.Value.Evaluate(document.RootElement).IsValid, "schema");
    }
}
