using System.CommandLine;
using System.Text.Json.Nodes;
using FineTune.Build.Cli;
using FineTune.Build.FakeOpenAI;
using FineTune.Build.Training;

namespace FineTune.Build.Core.Tests.Evaluation;

/// <summary>`finetune eval` and `finetune try` against the fake API.</summary>
[TestClass]
public sealed class EvaluationCliTests
{
    private const string Model = "ft:babbage-002:acme::m1";

    private static async Task<(int Exit, string Out, string Err)> Cli(EvaluationFixture f, params string[] args)
    {
        var env = new Dictionary<string, string?> { ["OPENAI_API_KEY"] = f.Canary, ["OPENAI_BASE_URL"] = f.Server.BaseUrl };
        var output = new StringWriter();
        var error = new StringWriter();
        var root = new RootCommand();
        EvaluationCommands.AddTo(root, output, error, n => env.GetValueOrDefault(n));
        var exit = await root.Parse(args).InvokeAsync();
        Assert.DoesNotContain(f.Canary, output.ToString());
        Assert.DoesNotContain(f.Canary, error.ToString());
        return (exit, output.ToString(), error.ToString());
    }

    private static void Record(EvaluationFixture f)
    {
        var lockFile = LockFile.Empty();
        lockFile.Set(EvaluationFixture.DatasetName, "k", new LockEntry { Status = "succeeded", FineTunedModel = Model });
        lockFile.Save(f.LockPath);
    }

    [TestMethod]
    public async Task Eval_UsesTheRecordedModel_AndExitsOneBelowTheThreshold()
    {
        await using var f = await EvaluationFixture.CreateAsync();
        Record(f);
        f.WriteCompletions(" yes", " no");
        f.Server.ScriptAnswer(Model, EvaluationFixture.Prompt(0), new ScriptedAnswer(" yes"));
        f.Server.ScriptAnswer(Model, EvaluationFixture.Prompt(1), new ScriptedAnswer(" yes"));

        var (exit, output, error) = await Cli(f, "eval", "--project", f.ProjectDirectory, "--task", "classification", "--min-accuracy", "60%");

        Assert.AreEqual(1, exit, output + error);
        StringAssert.Contains(output, "ads: ft:babbage-002:acme::m1 accuracy 50.0% (1/2)");
        StringAssert.Contains(error, "FT7050");
        Assert.IsTrue(File.Exists(Path.Combine(Path.GetDirectoryName(f.ValidationFile)!, "ads.eval.json")));
    }

    [TestMethod]
    public async Task Try_AddsTheSeparator_AndPrintsClassProbabilities()
    {
        await using var f = await EvaluationFixture.CreateAsync();
        Record(f);
        f.WriteCompletions(" yes", " no");
        f.Server.ScriptAnswer(Model, "Is this ad supported?" + EvaluationFixture.Separator,
            new ScriptedAnswer(" no", new Dictionary<string, double> { [" no"] = Math.Log(0.75), [" yes"] = Math.Log(0.25) }));

        var (exit, output, error) = await Cli(f, "try", "Is this ad supported?", "--project", f.ProjectDirectory, "--task", "classification");

        Assert.AreEqual(0, exit, error);
        Assert.AreEqual("no\n  no: 0.750\n  yes: 0.250\n", output.Replace("\r\n", "\n"));
        var body = JsonNode.Parse(f.Server.RequestsTo("POST", "/v1/completions").Single().Body)!;
        Assert.AreEqual((1, 5, 0.0), ((int)body["max_tokens"]!, (int)body["logprobs"]!, (double)body["temperature"]!));
    }

    [TestMethod]
    public async Task Try_UsesTheSeparatorSetInDirectoryBuildProps()
    {
        await using var f = await EvaluationFixture.CreateAsync();
        Record(f);
        f.WriteCompletions(" yes", " no");
        File.WriteAllText(Path.Combine(f.ProjectDirectory, "ads.proj"), "<Project Sdk=\"FineTune.Build.Sdk/1.0.0\" />");
        File.WriteAllText(Path.Combine(f.ProjectDirectory, "Directory.Build.props"),
            "<Project><PropertyGroup><FineTunePromptSeparator>\\n---\\n</FineTunePromptSeparator></PropertyGroup></Project>");
        f.Server.ScriptAnswer(Model, "Is this ad supported?\n---\n",
            new ScriptedAnswer(" yes", new Dictionary<string, double> { [" yes"] = Math.Log(0.9), [" no"] = Math.Log(0.1) }));

        var (exit, output, error) = await Cli(f, "try", "Is this ad supported?", "--project", f.ProjectDirectory, "--task", "classification");

        Assert.AreEqual(0, exit, error);
        var body = JsonNode.Parse(f.Server.RequestsTo("POST", "/v1/completions").Single().Body)!;
        Assert.AreEqual("Is this ad supported?\n---\n", (string)body["prompt"]!);
        StringAssert.StartsWith(output.Replace("\r\n", "\n"), "yes\n");
    }

    [TestMethod]
    public async Task Try_Generation_SendsTheStopSequence_FromAFile()
    {
        await using var f = await EvaluationFixture.CreateAsync();
        const string chat = "ft:gpt-4o-mini-2024-07-18:acme::c1";
        f.WriteChats("Paris. END", "Rome. END");
        f.Server.ScriptAnswer(chat, "capital of France?", new ScriptedAnswer("Paris."));
        f.Server.ScriptAnswer(chat, "capital of Italy?", new ScriptedAnswer("Rome."));
        var prompts = Path.Combine(f.ProjectDirectory, "prompts.txt");
        File.WriteAllText(prompts, "capital of France?\ncapital of Italy?\n");

        var (exit, output, error) = await Cli(f, "try", "--file", prompts, "--project", f.ProjectDirectory, "--dataset", "ads", "--model", chat, "--task", "generation");

        Assert.AreEqual(0, exit, error);
        Assert.AreEqual("> capital of France?\nParis.\n> capital of Italy?\nRome.\n", output.Replace("\r\n", "\n"));
        var body = JsonNode.Parse(f.Server.RequestsTo("POST", "/v1/chat/completions")[0].Body)!;
        Assert.AreEqual("[\" END\"]", body["stop"]!.ToJsonString());
    }
}
