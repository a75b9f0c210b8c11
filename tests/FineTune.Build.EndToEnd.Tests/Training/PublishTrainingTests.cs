using System.Diagnostics;
using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;
using FineTune.Build.EndToEnd.Tests.Infrastructure;
using FineTune.Build.FakeOpenAI;

namespace FineTune.Build.EndToEnd.Tests.Training;

/// <summary>
/// `dotnet publish -p:FineTuneTrainOnPublish=true` on projects that consume the packed SDK, against the fake
/// OpenAI server through the real OpenAI client: what the server received, what the build printed and recorded,
/// and that the key appears nowhere.
/// </summary>
[TestClass]
public sealed class PublishTrainingTests
{
    private const string Properties = "<FineTuneBaseModel>babbage-002</FineTuneBaseModel>";
    private readonly string _canary = "sk-canary-" + Guid.NewGuid().ToString("N");

    private static TestProject NewProject()
    {
        var project = TestProject.Create("ads", Properties);
        var yaml = new StringBuilder("examples:\n");
        for (var i = 1; i <= 12; i++)
        {
            yaml.Append($"  - prompt: \"Company: company {i}\\nProduct: product {i}\"\n");
            yaml.Append($"    completion: \"An ad for product {i}.\"\n");
        }

        project.WriteFile("ads.yaml", yaml.ToString());
        return project;
    }

    private Dictionary<string, string?> Env(FakeOpenAIServer server, bool key = true) => new()
    {
        ["OPENAI_BASE_URL"] = server.BaseUrl,
        ["OPENAI_API_KEY"] = key ? _canary : null,
    };

    private static string LockPath(TestProject p) => p.PathOf("finetune.lock.json");

    private static string ModelFile(TestProject p) => Path.Combine(p.OutputDirectory, "publish", "ads.model.txt");

    private static string[] Args(string binlog, params string[] more) =>
        ["-p:FineTuneTrainOnPublish=true", "-p:FineTunePollInterval=100ms", "-bl:" + binlog, .. more];

    /// <summary>The binlog's decompressed bytes (MSBuild writes it gzip-compressed).</summary>
    private static byte[] BinlogBytes(string path)
    {
        using var input = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        using var output = new MemoryStream();
        input.CopyTo(output);
        return output.ToArray();
    }

    private static bool Contains(byte[] haystack, string text) =>
        haystack.AsSpan().IndexOf(Encoding.UTF8.GetBytes(text)) >= 0 || haystack.AsSpan().IndexOf(Encoding.Unicode.GetBytes(text)) >= 0;

    private void AssertNoCanary(TestProject project, DotNetResult result, string binlog)
    {
        Assert.DoesNotContain(_canary, result.Output);
        if (File.Exists(LockPath(project)))
        {
            Assert.DoesNotContain(_canary, File.ReadAllText(LockPath(project)));
        }

        var bytes = BinlogBytes(binlog);
        // The search works: the binlog holds the training target and the endpoint.
        Assert.IsTrue(Contains(bytes, "FineTuneTrain"), "the binlog records the training target");
        Assert.IsFalse(Contains(bytes, _canary), "the key is in the binlog");
        Assert.IsFalse(Contains(bytes, _canary[10..]), "part of the key is in the binlog");
    }

    [TestMethod]
    public async Task PublishTrainsOnce_PrintsAndRecordsTheModel_AndASecondPublishDoesNothingNew()
    {
        await using var server = await FakeOpenAIServer.StartAsync();
        var project = NewProject();
        var binlog = project.PathOf("first.binlog");

        var first = project.Publish(Env(server), Args(binlog));

        Assert.AreEqual(0, first.ExitCode, first.ToString());
        var upload = server.RequestsTo("POST", "/v1/files").Single();
        Assert.AreEqual("Bearer " + _canary, upload.Header("Authorization"));
        CollectionAssert.AreEqual(File.ReadAllBytes(project.TrainFile), server.Files.Values.Single().Content, "the uploaded bytes are the compiled JSONL");
        var body = JsonNode.Parse(server.RequestsTo("POST", "/v1/fine_tuning/jobs").Single().BodyText)!;
        Assert.AreEqual("babbage-002", (string?)body["model"]);
        Assert.AreEqual(server.Files.Keys.Single(), (string?)body["training_file"]);
        Assert.AreEqual("supervised", (string?)body["method"]!["type"]);
        Assert.IsNotNull((string?)body["metadata"]!["finetune_dataset_sha256"]);
        var model = server.Jobs.Values.Single().FineTunedModel!;
        StringAssert.Contains(first.Output, "fine-tuned model " + model);
        StringAssert.Contains(first.Output, "step 6/6 (100%)");
        Assert.AreEqual(model + "\n", File.ReadAllText(ModelFile(project)));
        var lockText = File.ReadAllText(LockPath(project));
        StringAssert.Contains(lockText, $"\"fineTunedModel\": \"{model}\"");
        StringAssert.Contains(lockText, "\"status\": \"succeeded\"");
        AssertNoCanary(project, first, binlog);

        server.ClearRequests();
        var binlog2 = project.PathOf("second.binlog");
        var second = project.Publish(Env(server), Args(binlog2));

        Assert.AreEqual(0, second.ExitCode, second.ToString());
        Assert.IsEmpty(server.Requests, string.Join(", ", server.Requests));
        StringAssert.Contains(second.Output, "already trained as " + model);
        Assert.AreEqual(lockText, File.ReadAllText(LockPath(project)));
        AssertNoCanary(project, second, binlog2);

        // FineTuneTrain returns the model as the FineTunedModel property and item.
        var get = project.Run("msbuild", ["-t:Build;FineTuneTrain", "-getProperty:FineTunedModel", "-getItem:FineTunedModel"], Env(server));
        Assert.AreEqual(0, get.ExitCode, get.ToString());
        var json = JsonNode.Parse(get.StdOut)!;
        Assert.AreEqual(model, (string?)json["Properties"]!["FineTunedModel"]);
        Assert.AreEqual(model, (string?)json["Items"]!["FineTunedModel"]![0]!["Identity"]);
        Assert.IsEmpty(server.Requests);
    }

    [TestMethod]
    public async Task WarningsAsErrors_FT7021_FailsThePublishBeforeAnyRequest_AndNoWarnHidesIt()
    {
        await using var server = await FakeOpenAIServer.StartAsync();
        var project = NewProject();
        var binlog = project.PathOf("promoted.binlog");

        var promoted = project.Publish(Env(server), Args(binlog, "-p:FineTuneBeta=0.2", "-p:WarningsAsErrors=FT7021"));

        Assert.AreNotEqual(0, promoted.ExitCode, promoted.ToString());
        StringAssert.Contains(promoted.Output, "error FT7021: FineTuneBeta applies only to FineTuneMethod=dpo; it is ignored.");
        StringAssert.Contains(promoted.Output, "ads.proj");
        Assert.IsEmpty(server.Requests, string.Join(", ", server.Requests));
        Assert.IsFalse(File.Exists(LockPath(project)));
        AssertNoCanary(project, promoted, binlog);

        var hidden = project.Publish(Env(server), Args(project.PathOf("hidden.binlog"), "-p:FineTuneBeta=0.2", "-p:NoWarn=FT7021"));

        Assert.AreEqual(0, hidden.ExitCode, hidden.ToString());
        Assert.DoesNotContain("FT7021", hidden.Output);
        Assert.HasCount(1, server.Jobs);
    }

    [TestMethod]
    public async Task FailedJob_IsABuildErrorWithTheApiReason_AtTheNamedExample()
    {
        await using var server = await FakeOpenAIServer.StartAsync();
        server.DefaultJobScript = new JobScript
        {
            Outcome = JobOutcome.Failed,
            FailDuringValidation = true,
            ErrorMessage = "The job failed due to an invalid training file. Example 2: Invalid file format.",
        };
        var project = NewProject();
        var binlog = project.PathOf("failed.binlog");

        var result = project.Publish(Env(server), Args(binlog));

        Assert.AreNotEqual(0, result.ExitCode, result.ToString());
        var error = TestProject.Diagnostics(result).Single(d => d.Level == "error");
        Assert.AreEqual("FT7013", error.Code);
        StringAssert.Contains(error.Message, "Example 2: Invalid file format.");
        // The compiler's source map takes example 2 of the uploaded file back to the YAML that produced it.
        Assert.AreEqual(project.PathOf("ads.yaml"), error.File);
        Assert.AreEqual((4, 5), (error.Line, error.Column));
        Assert.IsFalse(File.Exists(ModelFile(project)));
        StringAssert.Contains(File.ReadAllText(LockPath(project)), "\"status\": \"failed\"");
        AssertNoCanary(project, result, binlog);
    }

    [TestMethod]
    public async Task MissingKey_FailsBeforeAnyRequest()
    {
        await using var server = await FakeOpenAIServer.StartAsync();
        var project = NewProject();

        var result = project.Publish(Env(server, key: false), "-p:FineTuneTrainOnPublish=true");

        Assert.AreNotEqual(0, result.ExitCode);
        // Logged at the project file's first line, so the problem matcher annotates it: "ads.proj(1,1): error FT7001: ...".
        StringAssert.Contains(result.Output, "ads.proj(1,1): error FT7001: OPENAI_API_KEY is not set");
        Assert.IsEmpty(server.Requests);
    }

    [TestMethod]
    public async Task WithoutTrainOnPublish_PublishMakesNoRequest()
    {
        await using var server = await FakeOpenAIServer.StartAsync();
        var project = NewProject();

        var result = project.Publish(Env(server));

        Assert.AreEqual(0, result.ExitCode, result.ToString());
        Assert.IsEmpty(server.Requests);
        Assert.IsFalse(File.Exists(LockPath(project)));
        Assert.IsTrue(File.Exists(project.TrainFile), "publish still compiles");
        var publish = Path.Combine(project.OutputDirectory, "publish");
        CollectionAssert.AreEqual(File.ReadAllBytes(project.TrainFile), File.ReadAllBytes(Path.Combine(publish, "ads.train.jsonl")), "the dataset is in the publish folder");
        Assert.IsTrue(File.Exists(Path.Combine(publish, "ads.report.html")));
    }

    [TestMethod]
    public async Task KilledPublish_IsResumedByTheNextPublish_WithTheSameJob()
    {
        await using var server = await FakeOpenAIServer.StartAsync();
        // A job that takes a few seconds of wall time, so the first publish can be killed while following it.
        server.DefaultJobScript = new JobScript { Advance = AdvanceMode.PerTime, TickInterval = TimeSpan.FromSeconds(1), Steps = 4, StepsPerTick = 1 };
        var project = NewProject();

        using (var publish = StartPublish(project, Env(server)))
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(4);
            while (!(server.Jobs.Count == 1 && server.RequestsTo("GET", "/events").Count > 0) && DateTime.UtcNow < deadline && !publish.HasExited)
            {
                await Task.Delay(100);
            }

            Assert.IsFalse(publish.HasExited, "the first publish ended before it could be killed");
            publish.Kill(entireProcessTree: true);
            publish.WaitForExit();
        }

        var jobId = server.Jobs.Keys.Single();
        StringAssert.Contains(File.ReadAllText(LockPath(project)), jobId);
        server.ClearRequests();

        var result = project.Publish(Env(server), "-p:FineTuneTrainOnPublish=true", "-p:FineTunePollInterval=200ms");

        Assert.AreEqual(0, result.ExitCode, result.ToString());
        Assert.IsEmpty(server.RequestsTo("POST", "/v1/files"));
        Assert.IsEmpty(server.RequestsTo("POST", "/v1/fine_tuning/jobs"));
        StringAssert.Contains(result.Output, "resuming job " + jobId);
        Assert.AreEqual(server.Jobs[jobId].FineTunedModel + "\n", File.ReadAllText(ModelFile(project)));
    }

    [TestMethod]
    public async Task ConcurrentTrainingOfOneProject_StartsOneJob()
    {
        await using var server = await FakeOpenAIServer.StartAsync();
        server.DefaultJobScript = new JobScript { Steps = 6, StepsPerTick = 1 };
        var project = NewProject();
        Assert.AreEqual(0, project.Build().ExitCode);

        // Compiled already: both runs skip the compile and race only for the training.
        var runs = Enumerable.Range(0, 2)
            .Select(_ => Task.Run(() => project.Run("msbuild", ["-t:FineTuneTrain", "-p:FineTunePollInterval=100ms"], Env(server))))
            .ToArray();
        var results = await Task.WhenAll(runs);

        foreach (var r in results)
        {
            Assert.AreEqual(0, r.ExitCode, r.ToString());
        }

        Assert.HasCount(1, server.RequestsTo("POST", "/v1/fine_tuning/jobs"));
        Assert.HasCount(1, server.RequestsTo("POST", "/v1/files"));
    }

    private static Process StartPublish(TestProject project, IDictionary<string, string?> environment)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = project.Directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { "publish", project.ProjectFile, "-nodeReuse:false", "-p:FineTuneTrainOnPublish=true", "-p:FineTunePollInterval=200ms" })
        {
            start.ArgumentList.Add(a);
        }

        foreach (var key in start.Environment.Keys.ToList())
        {
            if (key.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase) || key.StartsWith("VSTEST", StringComparison.Ordinal)
                || key.StartsWith("TESTINGPLATFORM", StringComparison.Ordinal) || key == "DOTNET_HOST_PATH")
            {
                start.Environment.Remove(key);
            }
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment["NUGET_PACKAGES"] = SdkFeed.PackagesFolder;
        foreach (var (k, v) in environment)
        {
            if (v is null)
            {
                start.Environment.Remove(k);
            }
            else
            {
                start.Environment[k] = v;
            }
        }

        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }
}
