using FineTune.Build.Training;

namespace FineTune.Build.Core.Tests.Training;

[TestClass]
public sealed class TrainingCommandTests
{
    [TestMethod]
    public async Task Command_GetsThePlaceholders_ItsModelLineIsRecorded_AndItRunsOnce()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Inconclusive("uses sh");
        }

        await using var f = await TrainingFixture.CreateAsync();
        var marker = Path.Combine(f.ProjectDirectory, "runs.txt");
        var command = $"echo train={{train}} validation={{validation}} model={{model}} >> '{marker}'; echo step 1; echo FineTunedModel=local-ads-1";
        var log = new TestLog();

        var result = await log.RunAsync(f.Request(trainer: "Command", command: command, apiKey: null));

        Assert.IsTrue(result.Succeeded, log.AllText);
        Assert.AreEqual("local-ads-1", result.FineTunedModel);
        Assert.AreEqual($"train={f.TrainFile} validation={f.ValidationFile} model=gpt-4o-mini-2024-07-18\n", File.ReadAllText(marker));
        Assert.AreEqual("local-ads-1\n", File.ReadAllText(f.ModelFile));
        StringAssert.Contains(log.AllText, "step 1");
        Assert.AreEqual("command", LockFile.Load(f.LockPath).Current("ads")!.Trainer);
        Assert.IsEmpty(f.Server.Requests);

        var again = await new TestLog().RunAsync(f.Request(trainer: "Command", command: command, apiKey: null));
        Assert.IsTrue(again.Reused);
        Assert.HasCount(1, File.ReadAllLines(marker));
    }

    [TestMethod]
    public async Task Command_NonZeroExit_IsFT7018_WithItsOutput()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Inconclusive("uses sh");
        }

        await using var f = await TrainingFixture.CreateAsync();
        var log = new TestLog();
        var result = await log.RunAsync(f.Request(trainer: "Command", command: "echo out of memory >&2; exit 3", apiKey: null));
        Assert.IsFalse(result.Succeeded);
        var error = log.Errors.Single();
        Assert.AreEqual("FT7018", error.Code);
        StringAssert.Contains(error.Text, "code 3");
        StringAssert.Contains(error.Text, "out of memory");
    }

    [TestMethod]
    public async Task Command_Missing_IsFT7017()
    {
        await using var f = await TrainingFixture.CreateAsync();
        var log = new TestLog();
        await log.RunAsync(f.Request(trainer: "Command", command: null));
        Assert.AreEqual("FT7017", log.Errors.Single().Code);
    }
}
