using FineTune.Build.EndToEnd.Tests.Infrastructure;
using FineTune.Build.FakeOpenAI;

namespace FineTune.Build.EndToEnd.Tests;

/// <summary>The repository's sample-project, built and published as a newcomer would, against the packed SDK.</summary>
[TestClass]
public sealed class SampleProjectTests
{
    /// <summary>A copy of sample-project/ that uses the test feed's SDK version.</summary>
    private static string CopySample()
    {
        var feed = SdkFeed.EnsurePacked();
        var target = Path.Combine(SdkFeed.RunDirectory, "sample-" + Guid.NewGuid().ToString("N")[..8]);
        var source = Path.Combine(Repository.Root, "sample-project");
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(source, file);
            if (relative.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj"))
            {
                continue;
            }

            var destination = Path.Combine(target, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            var text = File.ReadAllText(file);
            File.WriteAllText(destination, text.Replace("FineTune.Build.Sdk/1.0.0", $"FineTune.Build.Sdk/{SdkFeed.Version}"));
        }

        File.WriteAllText(Path.Combine(target, "nuget.config"), $"""
            <configuration><packageSources><clear /><add key="feed" value="{feed}" /></packageSources></configuration>
            """);
        return target;
    }

    [TestMethod]
    public void SampleBuildsItsThreeDatasets()
    {
        var sample = CopySample();

        var result = DotNet.Run(sample, ["build", "samples.sln", "-nodeReuse:false", "-p:FineTuneLifecycleDate=2026-11-25"]);

        Assert.AreEqual(0, result.ExitCode, result.ToString());
        Assert.AreEqual(0, TestProject.Diagnostics(result).Count(d => d.Level == "error"), result.Output);
        StringAssert.Contains(result.Output, "ad-support: 233 example(s)");
        StringAssert.Contains(result.Output, "completion, classification, 2 class(es)");
        StringAssert.Contains(result.Output, "product-ads: 12 example(s) (12 train, 0 validation), completion, generation");
        StringAssert.Contains(result.Output, "marv: 12 example(s) (12 train, 0 validation), chat, generation");
        var adSupport = Path.Combine(sample, "ad-support", "bin", "Debug");
        var train = File.ReadAllLines(Path.Combine(adSupport, "ad-support.train.jsonl"));
        var validation = File.ReadAllLines(Path.Combine(adSupport, "ad-support.validation.jsonl"));
        Assert.AreEqual(233, train.Length + validation.Length);
        Assert.IsTrue(train.Concat(validation).All(l => l.EndsWith("\\n\\n###\\n\\n\", \"completion\": \" yes\"}") || l.EndsWith("\\n\\n###\\n\\n\", \"completion\": \" no\"}")));
        Assert.IsTrue(File.Exists(Path.Combine(adSupport, "ad-support.report.html")));

        // Putting the separator inside one prompt fails the build with one error at that file and line.
        var yaml = Path.Combine(sample, "product-ads", "product-ads.yaml");
        var lines = File.ReadAllLines(yaml).ToList();
        var index = lines.FindIndex(l => l.Contains("The Kindle Paperwhite is an e-reader", StringComparison.Ordinal));
        lines.InsertRange(index + 1, ["", "      ###", ""]);
        File.WriteAllLines(yaml, lines);
        var broken = DotNet.Run(sample, ["build", "samples.sln", "-nodeReuse:false", "-p:FineTuneLifecycleDate=2026-11-25"]);

        Assert.AreNotEqual(0, broken.ExitCode);
        var error = TestProject.Diagnostics(broken).Single(d => d.Level == "error");
        Assert.AreEqual((yaml, index + 3, "FT3004"), (error.File, error.Line, error.Code), broken.Output);
    }

    [TestMethod]
    public async Task SamplePublishTrainsOnceAndASecondPublishDoesNothing()
    {
        await using var server = await FakeOpenAIServer.StartAsync();
        var sample = CopySample();
        var environment = new Dictionary<string, string?> { ["OPENAI_BASE_URL"] = server.BaseUrl, ["OPENAI_API_KEY"] = "sk-sample-test-key" };
        string[] arguments = ["publish", "samples.sln", "-nodeReuse:false", "-p:FineTuneTrainOnPublish=true", "-p:FineTunePollInterval=100ms", "-p:FineTuneLifecycleDate=2026-11-25"];

        var first = DotNet.Run(sample, arguments, environment);

        Assert.AreEqual(0, first.ExitCode, first.ToString());
        Assert.AreEqual(3, server.Jobs.Count, "one job per dataset");
        foreach (var (dataset, folder) in new[] { ("ad-support", "ad-support"), ("product-ads", "product-ads"), ("marv", "marv-chat") })
        {
            var model = File.ReadAllText(Path.Combine(sample, folder, "bin", "Debug", "publish", dataset + ".model.txt")).Trim();
            Assert.IsTrue(server.Jobs.Values.Any(j => j.FineTunedModel == model), $"{dataset}: {model}");
            StringAssert.Contains(File.ReadAllText(Path.Combine(sample, folder, "finetune.lock.json")), model);
        }

        server.ClearRequests();
        var second = DotNet.Run(sample, arguments, environment);

        Assert.AreEqual(0, second.ExitCode, second.ToString());
        Assert.AreEqual(0, server.Requests.Count, string.Join(", ", server.Requests));
        Assert.AreEqual(3, server.Jobs.Count);
    }
}
