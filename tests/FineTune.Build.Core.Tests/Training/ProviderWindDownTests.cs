using FineTune.Build.Diagnostics;
using FineTune.Build.Models;
using FineTune.Build.Training;

namespace FineTune.Build.Core.Tests.Training;

/// <summary>FT7026/FT7027: OpenAI's end of new fine-tuning jobs (ModelCatalog.ProviderWindDown) at publish.</summary>
[TestClass]
public sealed class ProviderWindDownTests
{
    private static FineTuningWindDown WindDown => ModelCatalog.LoadDefault().ProviderWindDown!;

    [TestMethod]
    public void TheCatalogHoldsTheWindDown()
        => Assert.AreEqual(new DateOnly(2027, 1, 6), WindDown.NewJobsEnd);

    [TestMethod]
    [DataRow(null, true)]
    [DataRow("https://api.openai.com/v1", true)]
    [DataRow("https://API.OpenAI.com/v1/", true)]
    [DataRow("http://127.0.0.1:5000/v1", false)]
    [DataRow("https://my-gateway.example.com/v1", false)]
    public void ItAppliesToOpenAIOnly(string? endpoint, bool applies)
        => Assert.AreEqual(applies, ProviderWindDownCheck.Warning("ads", endpoint, WindDown, new DateOnly(2026, 12, 1)) is not null);

    [TestMethod]
    public void BeforeTheEnd_TheWarningNamesTheDate_TheDaysLeft_AndTheAlternatives()
    {
        var message = ProviderWindDownCheck.Warning("ads", null, WindDown, new DateOnly(2026, 12, 1))!;
        StringAssert.StartsWith(message, "ads: OpenAI stops creating new fine-tuning jobs on 2027-01-06, in 36 day(s)");
        StringAssert.Contains(message, "FineTuneTrainer=Command with FineTuneTrainCommand");
        StringAssert.Contains(message, "any OpenAI-compatible fine-tuning endpoint (FineTuneEndpoint)");
        Assert.IsNull(ProviderWindDownCheck.NewJobRefused("ads", null, WindDown, new DateOnly(2027, 1, 5)));
        Assert.IsNotNull(ProviderWindDownCheck.NewJobRefused("ads", null, WindDown, new DateOnly(2027, 1, 6)));
    }

    private static TrainingRequest Request(TrainingFixture f, DateOnly today) => new()
    {
        ProjectDirectory = f.ProjectDirectory,
        DatasetName = TrainingFixture.DatasetName,
        TrainFile = f.TrainFile,
        BaseModel = "gpt-4o-mini-2024-07-18",
        Endpoint = "https://api.openai.com/v1",
        ApiKey = f.Canary,
        EnvironmentVariable = _ => null,
        MaxRetries = 0,
        Today = today,
    };

    [TestMethod]
    public async Task AfterTheEnd_ANewJobAtOpenAI_IsFT7027_BeforeAnyRequest()
    {
        await using var f = await TrainingFixture.CreateAsync();
        var log = new TestLog();
        var result = await log.RunAsync(Request(f, new DateOnly(2027, 2, 1)));

        Assert.IsFalse(result.Succeeded);
        Assert.AreEqual("FT7026 FT7027", string.Join(" ", log.Entries.Where(e => e.Code is not null).Select(e => e.Code)));
        StringAssert.Contains(log.Errors.Single().Text, "OpenAI creates no new fine-tuning jobs since 2027-01-06, and finetune.lock.json records no job for this dataset");
        Assert.IsFalse(File.Exists(f.LockPath));
    }

    [TestMethod]
    public async Task BeforeTheEnd_TheWarning_PromotedByWarningsAsErrors_StopsThePublishBeforeAnyRequest()
    {
        await using var f = await TrainingFixture.CreateAsync();
        var log = new TestLog(new DiagnosticPolicy(warningsAsErrors: "FT7026"));
        var result = await log.RunAsync(Request(f, new DateOnly(2026, 12, 1)));

        Assert.IsFalse(result.Succeeded);
        Assert.AreEqual("FT7026", log.Errors.Single().Code);
        StringAssert.Contains(log.Errors.Single().Text, "in 36 day(s)");
        Assert.IsFalse(File.Exists(f.LockPath));
    }
}
