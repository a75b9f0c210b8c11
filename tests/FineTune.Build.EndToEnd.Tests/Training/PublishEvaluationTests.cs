using System.Globalization;
using System.Text.Json.Nodes;
using FineTune.Build.EndToEnd.Tests.Infrastructure;
using FineTune.Build.FakeOpenAI;

namespace FineTune.Build.EndToEnd.Tests.Training;

/// <summary>
/// `dotnet publish -p:FineTuneTrainOnPublish=true -p:FineTuneEvaluate=true` on the sample classification dataset
/// (sample-project/ad-support) against the fake API with scripted answers: the printed accuracy and confusion matrix,
/// eval.json, the report's evaluation section, the FineTuneMinAccuracy gate, and the lock-file cache.
/// </summary>
[TestClass]
public sealed class PublishEvaluationTests
{
    /// <summary>A copy of sample-project/ad-support (and the sample's shared props) that uses the test feed's SDK.</summary>
    private static string CopyAdSupport()
    {
        var feed = SdkFeed.EnsurePacked();
        var target = Path.Combine(SdkFeed.RunDirectory, "eval-" + Guid.NewGuid().ToString("N")[..8]);
        var source = Path.Combine(Repository.Root, "sample-project");
        foreach (var relative in new[] { "Directory.Build.props", "Directory.Build.targets", "ad-support/ad-support.proj", "ad-support/ads.csv" })
        {
            var from = Path.Combine(source, relative);
            if (!File.Exists(from))
            {
                continue;
            }

            var to = Path.Combine(target, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            File.WriteAllText(to, File.ReadAllText(from).Replace("FineTune.Build.Sdk/1.0.0", $"FineTune.Build.Sdk/{SdkFeed.Version}"));
        }

        File.WriteAllText(Path.Combine(target, "nuget.config"), $"""
            <configuration><packageSources><clear /><add key="feed" value="{feed}" /></packageSources></configuration>
            """);
        return Path.Combine(target, "ad-support");
    }

    [TestMethod]
    public async Task SampleClassification_PrintsAccuracyAndMatrix_WritesEvalJsonAndReport_GatesAndCaches()
    {
        await using var server = await FakeOpenAIServer.StartAsync();
        var project = CopyAdSupport();
        var environment = new Dictionary<string, string?> { ["OPENAI_BASE_URL"] = server.BaseUrl, ["OPENAI_API_KEY"] = "sk-eval-e2e-" + Guid.NewGuid().ToString("N") };
        var build = DotNet.Run(project, ["build", "ad-support.proj", "-nodeReuse:false"], environment);
        Assert.AreEqual(0, build.ExitCode, build.ToString());

        // Script the answers from the compiled validation file: every 4th answered wrong, the first " maybe" (other).
        var lines = File.ReadAllLines(Path.Combine(project, "bin", "Debug", "ad-support.validation.jsonl"));
        var correct = 0;
        var other = 0;
        for (var i = 0; i < lines.Length; i++)
        {
            var line = JsonNode.Parse(lines[i])!;
            var expected = (string)line["completion"]!;
            var wrong = expected == " yes" ? " no" : " yes";
            var answer = i == 0 ? " maybe" : i % 4 == 1 ? wrong : expected;
            correct += answer == expected ? 1 : 0;
            other += answer == " maybe" ? 1 : 0;
            server.ScriptAnswer("*", (string)line["prompt"]!, new ScriptedAnswer(answer, new Dictionary<string, double> { [answer] = Math.Log(0.8), [answer == " yes" ? " no" : " yes"] = Math.Log(0.15) }));
        }

        var accuracy = (double)correct / lines.Length;
        string[] publish = ["publish", "ad-support.proj", "-nodeReuse:false", "-p:FineTuneTrainOnPublish=true", "-p:FineTuneEvaluate=true", "-p:FineTunePollInterval=100ms"];

        var first = DotNet.Run(project, publish, environment);

        Assert.AreEqual(0, first.ExitCode, first.ToString());
        var model = server.Jobs.Values.Single().FineTunedModel!;
        StringAssert.Contains(first.Output, string.Create(CultureInfo.InvariantCulture, $"ad-support: {model} accuracy {accuracy * 100:0.0}% ({correct}/{lines.Length})"));
        StringAssert.Contains(first.Output, $"{other} answer(s) outside the classes");
        StringAssert.Contains(first.Output, "expected \\ predicted  \" no\"  \" yes\"  other");
        Assert.AreEqual(lines.Length, server.RequestsTo("POST", "/v1/completions").Count);
        var publishDir = Path.Combine(project, "bin", "Debug", "publish");
        var evalJson = JsonNode.Parse(File.ReadAllText(Path.Combine(publishDir, "ad-support.eval.json")))!;
        Assert.AreEqual(accuracy, (double)evalJson["classification"]!["accuracy"]!, 1e-12);
        Assert.AreEqual(model, (string)evalJson["model"]!);
        var html = File.ReadAllText(Path.Combine(publishDir, "ad-support.report.html"));
        StringAssert.Contains(html, "<section id=\"evaluation\">");
        StringAssert.Contains(html, "aria-label=\"Confusion matrix\"");
        Assert.IsFalse(File.ReadAllText(Path.Combine(project, "finetune.lock.json")).Contains(environment["OPENAI_API_KEY"]!, StringComparison.Ordinal));
        Assert.IsFalse(first.Output.Contains(environment["OPENAI_API_KEY"]!, StringComparison.Ordinal));

        // A second publish sends no evaluation request, and a threshold above the measured value fails it.
        server.ClearRequests();
        var threshold = Math.Round(accuracy + 0.01, 2).ToString(CultureInfo.InvariantCulture);
        var second = DotNet.Run(project, [.. publish, "-p:FineTuneMinAccuracy=" + threshold], environment);

        Assert.AreNotEqual(0, second.ExitCode, second.ToString());
        Assert.AreEqual(0, server.RequestsTo("POST", "/v1/completions").Count, string.Join(", ", server.Requests));
        StringAssert.Contains(second.Output, "error FT7050");
        StringAssert.Contains(second.Output, $"below FineTuneMinAccuracy {threshold}; see {Path.Combine(publishDir, "ad-support.eval.json")}");
    }
}
