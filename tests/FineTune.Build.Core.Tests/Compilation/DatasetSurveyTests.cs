using FineTune.Build.Compilation;
using FineTune.Build.Examples;
using FineTune.Build.Sources;

namespace FineTune.Build.Core.Tests.Compilation;

/// <summary>Format and task inference, counted over the records as read: JSONL and YAML sources of the same examples agree.</summary>
[TestClass]
public sealed class DatasetSurveyTests
{
    [TestMethod]
    public void JsonlAndYamlOfTheSameExamplesSurveyAlike()
    {
        using var folder = new TempFolder();
        string[] jsonl =
        [
            """{"messages": [{"role": "user", "content": "Rate: great"}, {"role": "assistant", "content": "positive"}]}""",
            """{"messages": [{"role": "user", "content": "Rate: awful"}, {"role": "assistant", "content": " negative "}]}""",
            """{"messages": [{"role": "user", "content": "Rate: fine"}, {"role": "assistant", "content": "positive"}, {"role": "user", "content": "sure?"}]}""",
            """{"messages": [{"role": "user", "content": "Call"}, {"role": "assistant", "tool_calls": []}]}""",
            """{"text": "not an example"}""",
            """not json at all""",
        ];
        var fast = DatasetSurvey.Of([new SourceFile(folder.Write("a.jsonl", string.Join("\n", jsonl) + "\n"))]);
        var yaml = string.Join("\n", jsonl.Take(5).Select(line => "- " + line)) + "\n";
        var tree = DatasetSurvey.Of([new SourceFile(folder.Write("a.yaml", yaml))]);

        Assert.AreEqual((DatasetFormat?)DatasetFormat.Chat, fast.FirstFormat);
        Assert.AreEqual((tree.FirstFormat, tree.ExampleCount, tree.LabeledCount, tree.DistinctLabels), (fast.FirstFormat, fast.ExampleCount, fast.LabeledCount, fast.DistinctLabels));
        Assert.AreEqual((4, 3, 2), (fast.ExampleCount, fast.LabeledCount, fast.DistinctLabels), "labels are trimmed; a tool-call answer has none");
    }

    [TestMethod]
    public void FewDistinctCompletionsMeanClassification()
    {
        using var folder = new TempFolder();
        var lines = Enumerable.Range(0, 30).Select(i => $"{{\"prompt\": \"Item {i}\", \"completion\": \"{(i % 2 == 0 ? " yes" : " no")}\"}}");
        var survey = DatasetSurvey.Of([new SourceFile(folder.Write("a.jsonl", string.Join("\n", lines)))]);

        Assert.AreEqual(DatasetTask.Classification, survey.InferredTask);
        Assert.AreEqual((DatasetFormat?)DatasetFormat.Completion, survey.FirstFormat);
    }
}
