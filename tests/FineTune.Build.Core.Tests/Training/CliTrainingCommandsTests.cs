using System.CommandLine;
using FineTune.Build.Cli;
using FineTune.Build.FakeOpenAI;
using FineTune.Build.Training;

namespace FineTune.Build.Core.Tests.Training;

[TestClass]
public sealed class TrainingCliTests
{
    private static async Task<(int Exit, string Out, string Err)> Cli(TrainingFixture f, params string[] args)
    {
        var env = new Dictionary<string, string?> { ["OPENAI_API_KEY"] = f.Canary, ["OPENAI_BASE_URL"] = f.Server.BaseUrl };
        var output = new StringWriter();
        var error = new StringWriter();
        var root = new RootCommand();
        TrainingCommands.AddTo(root, output, error, n => env.GetValueOrDefault(n));
        var exit = await root.Parse(args).InvokeAsync();
        Assert.DoesNotContain(f.Canary, output.ToString());
        Assert.DoesNotContain(f.Canary, error.ToString());
        return (exit, output.ToString(), error.ToString());
    }

    [TestMethod]
    public async Task Status_ShowsTheRecordedModel_Offline()
    {
        await using var f = await TrainingFixture.CreateAsync();
        var result = await new TestLog().RunAsync(f.Request());
        f.Server.ClearRequests();
        var (exit, output, _) = await Cli(f, "status", "--project", f.ProjectDirectory, "--offline");
        Assert.AreEqual(0, exit);
        StringAssert.Contains(output, "ads: succeeded");
        StringAssert.Contains(output, result.FineTunedModel!);
        Assert.IsEmpty(f.Server.Requests);
    }

    [TestMethod]
    public async Task Status_WithNothingRecorded_ExitsWithUsage()
    {
        await using var f = await TrainingFixture.CreateAsync();
        var (exit, _, error) = await Cli(f, "status", "--project", f.ProjectDirectory);
        Assert.AreEqual(2, exit);
        StringAssert.Contains(error, "records no training yet");
    }

    [TestMethod]
    public async Task Follow_FollowsTheRecordedJob_AndUpdatesTheLockFile()
    {
        await using var f = await TrainingFixture.CreateAsync();
        await new TestLog().RunAsync(f.Request(wait: false));
        var (exit, output, error) = await Cli(f, "follow", "--project", f.ProjectDirectory, "--poll-interval", "10ms");
        Assert.AreEqual(0, exit, error);
        StringAssert.Contains(output, "Step 6/6");
        StringAssert.Contains(output, "Fine-tuned model: ft:");
        Assert.AreEqual("succeeded", LockFile.Load(f.LockPath).Current("ads")!.Status);
    }

    [TestMethod]
    public async Task Follow_FailedJob_ExitsWith1()
    {
        await using var f = await TrainingFixture.CreateAsync();
        f.Server.DefaultJobScript = new JobScript { Outcome = JobOutcome.Failed };
        await new TestLog().RunAsync(f.Request(wait: false));
        var (exit, _, error) = await Cli(f, "follow", "--project", f.ProjectDirectory, "--poll-interval", "10ms");
        Assert.AreEqual(1, exit);
        StringAssert.Contains(error, "error FT7013");
        StringAssert.Contains(error, "Example 42");
    }

    [TestMethod]
    public async Task Follow_Timeout_ExitsWith4_AndLeavesTheJobRunning()
    {
        await using var f = await TrainingFixture.CreateAsync();
        f.Server.DefaultJobScript = new JobScript { Outcome = JobOutcome.RunForever };
        await new TestLog().RunAsync(f.Request(wait: false));
        var (exit, _, _) = await Cli(f, "follow", "--project", f.ProjectDirectory, "--poll-interval", "10ms", "--timeout", "200ms");
        Assert.AreEqual(4, exit);
        Assert.AreEqual("running", f.Server.Jobs.Values.Single().Status);
    }

    [TestMethod]
    public async Task Cancel_CancelsTheCurrentJob_AndRecordsIt()
    {
        await using var f = await TrainingFixture.CreateAsync();
        f.Server.DefaultJobScript = new JobScript { Outcome = JobOutcome.RunForever };
        var run = await new TestLog().RunAsync(f.Request(wait: false));
        var (exit, output, error) = await Cli(f, "cancel", "--project", f.ProjectDirectory);
        Assert.AreEqual(0, exit, error);
        StringAssert.Contains(output, "cancelled");
        Assert.HasCount(1, f.Server.RequestsTo("POST", $"/v1/fine_tuning/jobs/{run.JobId}/cancel"));
        Assert.AreEqual("cancelled", LockFile.Load(f.LockPath).Current("ads")!.Status);
        var (again, _, _) = await Cli(f, "cancel", run.JobId!, "--project", f.ProjectDirectory);
        Assert.AreEqual(1, again);
    }

    [TestMethod]
    public async Task List_ShowsJobsWithTheirDataset()
    {
        await using var f = await TrainingFixture.CreateAsync();
        var run = await new TestLog().RunAsync(f.Request());
        var (exit, output, _) = await Cli(f, "list");
        Assert.AreEqual(0, exit);
        StringAssert.Contains(output, run.JobId!);
        StringAssert.Contains(output, run.FineTunedModel!);
        StringAssert.Contains(output, " ads ");
    }

    [TestMethod]
    public async Task WrongKey_ExitsWith3_WithoutPrintingTheKey()
    {
        await using var f = await TrainingFixture.CreateAsync();
        f.Server.RequiredApiKey = "sk-something-else";
        var (exit, _, error) = await Cli(f, "list");
        Assert.AreEqual(3, exit);
        StringAssert.Contains(error, "FT7009");
    }
}
