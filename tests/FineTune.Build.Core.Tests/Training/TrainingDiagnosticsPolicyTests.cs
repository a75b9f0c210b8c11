using FineTune.Build.Diagnostics;
using FineTune.Build.Training;

namespace FineTune.Build.Core.Tests.Training;

/// <summary>
/// FT7xxx go through the same collector as compile diagnostics: NoWarn, WarningsAsErrors, TreatWarningsAsErrors and
/// WarningsNotAsErrors apply to them. FT7021 (FineTuneBeta with supervised) is the warning every run can raise.
/// </summary>
[TestClass]
public sealed class TrainingDiagnosticsPolicyTests
{
    private static async Task<(TrainingResult Result, TestLog Log, TrainingFixture Fixture)> RunWithBeta(DiagnosticPolicy? policy)
    {
        var f = await TrainingFixture.CreateAsync();
        var log = new TestLog(policy);
        var result = await log.RunAsync(f.Request(beta: 0.3));
        return (result, log, f);
    }

    [TestMethod]
    public async Task BetaWithSupervised_IsAWarning_AndTrainingGoesOn()
    {
        var (result, log, f) = await RunWithBeta(null);
        await using var _ = f;
        Assert.IsTrue(result.Succeeded, log.AllText);
        var warning = log.Entries.Single(e => e.Kind == "warning");
        Assert.AreEqual("FT7021", warning.Code);
        Assert.AreEqual("FineTuneBeta applies only to FineTuneMethod=dpo; it is ignored.", warning.Text);
        Assert.IsNull(warning.File, "the task points it at the project file");
        Assert.HasCount(1, f.Server.Jobs);
    }

    [TestMethod]
    public async Task NoWarn_HidesFT7021()
    {
        var (result, log, f) = await RunWithBeta(new DiagnosticPolicy(noWarn: "CS0168;FT7021"));
        await using var _ = f;
        Assert.IsTrue(result.Succeeded, log.AllText);
        Assert.IsFalse(log.Entries.Any(e => e.Code == "FT7021"), log.AllText);
        Assert.AreEqual(0, log.Diagnostics.WarningCount);
    }

    [TestMethod]
    public async Task WarningsAsErrors_FailsTraining_BeforeAnythingIsUploadedOrStarted()
    {
        var (result, log, f) = await RunWithBeta(new DiagnosticPolicy(warningsAsErrors: "FT7021"));
        await using var _ = f;
        Assert.IsFalse(result.Succeeded);
        Assert.AreEqual("FT7021", log.Errors.Single().Code, log.AllText);
        Assert.IsEmpty(f.Server.Files);
        Assert.IsEmpty(f.Server.Jobs);
        Assert.IsFalse(File.Exists(f.LockPath));
    }

    [TestMethod]
    public async Task TreatWarningsAsErrors_PromotesFT7021_UnlessInWarningsNotAsErrors()
    {
        var (promoted, log1, f1) = await RunWithBeta(new DiagnosticPolicy(treatWarningsAsErrors: true));
        await using (f1)
        {
            Assert.IsFalse(promoted.Succeeded);
            Assert.AreEqual("FT7021", log1.Errors.Single().Code);
        }

        var (exempt, log2, f2) = await RunWithBeta(new DiagnosticPolicy(warningsNotAsErrors: "FT7021", treatWarningsAsErrors: true));
        await using (f2)
        {
            Assert.IsTrue(exempt.Succeeded, log2.AllText);
            Assert.AreEqual("FT7021", log2.Entries.Single(e => e.Kind == "warning").Code);
        }
    }

    [TestMethod]
    public async Task Errors_StayErrors_UnderNoWarn_AndNeverCarryTheKey()
    {
        var f = await TrainingFixture.CreateAsync();
        await using var _ = f;
        var log = new TestLog(new DiagnosticPolicy(noWarn: "FT7006"));
        var result = await log.RunAsync(f.Request(endpoint: "not a url " + f.Canary));
        Assert.IsFalse(result.Succeeded);
        var error = log.Errors.Single();
        Assert.AreEqual("FT7006", error.Code);
        Assert.DoesNotContain(f.Canary, log.AllText);
        Assert.DoesNotContain(f.Canary, log.Diagnostics.Diagnostics.Single().Message, "the collector's report list holds the redacted text");
    }
}
