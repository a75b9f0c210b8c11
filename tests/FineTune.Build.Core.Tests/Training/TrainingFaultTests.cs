using FineTune.Build.FakeOpenAI;

namespace FineTune.Build.Core.Tests.Training;

[TestClass]
public sealed class TrainingFaultTests
{
    [TestMethod]
    public async Task TooManyRequests_IsRetried_AfterTheRetryAfterMilliseconds()
    {
        await using var f = await TrainingFixture.CreateAsync();
        f.Server.AddFault(new Fault { Kind = FaultKind.TooManyRequests, Method = "POST", PathSuffix = "/v1/files", RetryAfter = TimeSpan.FromMilliseconds(700) });
        var log = new TestLog();

        var result = await log.RunAsync(f.Request(validation: false));

        Assert.IsTrue(result.Succeeded, log.AllText);
        var uploads = f.Server.RequestsTo("POST", "/v1/files");
        Assert.HasCount(2, uploads);
        var gap = uploads[1].ReceivedAt - uploads[0].ReceivedAt;
        Assert.IsGreaterThanOrEqualTo(650, gap.TotalMilliseconds, $"gap {gap}");
        Assert.HasCount(1, f.Server.Files);
        StringAssert.Contains(log.AllText, "HTTP 429");
        StringAssert.Contains(log.AllText, "(Retry-After)");
    }

    [TestMethod]
    public async Task TooManyRequests_WithRetryAfterInSeconds_IsHonoured()
    {
        await using var f = await TrainingFixture.CreateAsync();
        f.Server.AddFault(new Fault { Kind = FaultKind.TooManyRequests, Method = "POST", PathSuffix = "/v1/fine_tuning/jobs", RetryAfter = TimeSpan.FromSeconds(1), SecondsOnly = true });
        var result = await new TestLog().RunAsync(f.Request(validation: false));

        Assert.IsTrue(result.Succeeded);
        var creates = f.Server.RequestsTo("POST", "/v1/fine_tuning/jobs");
        Assert.HasCount(2, creates);
        Assert.IsGreaterThanOrEqualTo(950, (creates[1].ReceivedAt - creates[0].ReceivedAt).TotalMilliseconds);
        Assert.HasCount(1, f.Server.Jobs);
    }

    [TestMethod]
    public async Task ServerErrors_AreRetriedWithBackoff()
    {
        await using var f = await TrainingFixture.CreateAsync();
        var getJob = f.Server.AddFault(new Fault { Kind = FaultKind.ServerError, Method = "GET", PathContains = "/fine_tuning/jobs/ftjob-", Times = 2 });
        var list = f.Server.AddFault(new Fault { Kind = FaultKind.ServiceUnavailable, Method = "GET", PathSuffix = "/v1/files", Times = 1 });
        var log = new TestLog();

        var result = await log.RunAsync(f.Request());

        Assert.IsTrue(result.Succeeded, log.AllText);
        Assert.AreEqual(2, getJob.Hits);
        Assert.AreEqual(1, list.Hits);
        StringAssert.Contains(log.AllText, "HTTP 500");
    }

    [TestMethod]
    public async Task ServerErrorOnCreate_LooksForTheJobBeforeCreatingAgain_AndCreatesOne()
    {
        await using var f = await TrainingFixture.CreateAsync();
        f.Server.AddFault(new Fault { Kind = FaultKind.ServerError, Method = "POST", PathSuffix = "/v1/fine_tuning/jobs" });
        var log = new TestLog();

        var result = await log.RunAsync(f.Request());

        Assert.IsTrue(result.Succeeded, log.AllText);
        Assert.HasCount(2, f.Server.RequestsTo("POST", "/v1/fine_tuning/jobs"));
        Assert.HasCount(1, f.Server.Jobs);
    }

    [TestMethod]
    public async Task ReplyLostAfterCreate_FindsTheJobByMetadata_AndCreatesNoSecond()
    {
        await using var f = await TrainingFixture.CreateAsync();
        f.Server.AddFault(new Fault { Kind = FaultKind.DropAfterProcessing, Method = "POST", PathSuffix = "/v1/fine_tuning/jobs" });
        var log = new TestLog();

        var result = await log.RunAsync(f.Request());

        Assert.IsTrue(result.Succeeded, log.AllText);
        Assert.HasCount(1, f.Server.RequestsTo("POST", "/v1/fine_tuning/jobs"));
        Assert.HasCount(1, f.Server.Jobs);
        Assert.AreEqual(f.Server.Jobs.Keys.Single(), result.JobId);
    }

    [TestMethod]
    public async Task ConnectionDroppedMidUpload_IsRetried_AndTheStoredBytesAreExact()
    {
        await using var f = await TrainingFixture.CreateAsync();
        f.Server.AddFault(new Fault { Kind = FaultKind.DropConnection, Method = "POST", PathSuffix = "/v1/files", DropAfterBytes = 200 });
        var log = new TestLog();

        var result = await log.RunAsync(f.Request(validation: false));

        Assert.IsTrue(result.Succeeded, log.AllText);
        var uploads = f.Server.RequestsTo("POST", "/v1/files");
        Assert.HasCount(2, uploads);
        Assert.IsTrue(uploads[0].Aborted);
        Assert.HasCount(1, f.Server.Files);
        CollectionAssert.AreEqual(File.ReadAllBytes(f.TrainFile), f.Server.Files.Values.Single().Content);
    }

    [TestMethod]
    public async Task ConnectionDroppedMidPart_IsRetriedByThePipeline()
    {
        await using var f = await TrainingFixture.CreateAsync(trainExamples: 20);
        f.Server.AddFault(new Fault { Kind = FaultKind.DropConnection, Method = "POST", PathSuffix = "/parts", DropAfterBytes = 50 });
        var log = new TestLog();

        var result = await log.RunAsync(f.Request(validation: false, uploadsThreshold: 400, partSize: 256));

        Assert.IsTrue(result.Succeeded, log.AllText);
        var file = f.Server.Files[f.Server.Uploads.Values.Single().FileId!];
        CollectionAssert.AreEqual(File.ReadAllBytes(f.TrainFile), file.Content);
    }

    [TestMethod]
    public async Task SlowReplies_StillSucceed()
    {
        await using var f = await TrainingFixture.CreateAsync();
        f.Server.AddFault(new Fault { Kind = FaultKind.Slow, Method = "GET", PathContains = "/fine_tuning/jobs/", Delay = TimeSpan.FromMilliseconds(300), Times = 2 });
        var result = await new TestLog().RunAsync(f.Request());
        Assert.IsTrue(result.Succeeded);
    }

    [TestMethod]
    public async Task PersistentServerErrors_EndInAClearError()
    {
        await using var f = await TrainingFixture.CreateAsync();
        f.Server.AddFault(new Fault { Kind = FaultKind.ServerError, Method = "GET", PathSuffix = "/v1/files", Times = 100 });
        var log = new TestLog();
        var result = await log.RunAsync(f.Request(maxRetries: 2));
        Assert.IsFalse(result.Succeeded);
        var error = log.Errors.Single();
        Assert.AreEqual("FT7010", error.Code);
        StringAssert.Contains(error.Text, "HTTP 500");
        StringAssert.Contains(error.Text, "The server had an error");
    }

    [TestMethod]
    public async Task UnreachableEndpoint_IsAClearError()
    {
        await using var f = await TrainingFixture.CreateAsync();
        var log = new TestLog();
        var result = await log.RunAsync(f.Request(endpoint: "http://127.0.0.1:1/v1", maxRetries: 1));
        Assert.IsFalse(result.Succeeded);
        Assert.AreEqual("FT7011", log.Errors.Single().Code, log.AllText);
    }

    [TestMethod]
    public async Task CanaryKey_AppearsInNoLogLockFileOrModelFile_ButIsSentAsBearer()
    {
        await using var f = await TrainingFixture.CreateAsync();
        var texts = new List<string>();

        // Success, a failure that names an example, a fault, a rejected key and a timeout.
        f.Server.AddFault(new Fault { Kind = FaultKind.TooManyRequests, Method = "POST", PathSuffix = "/v1/files", RetryAfter = TimeSpan.FromMilliseconds(50) });
        var log = new TestLog();
        Assert.IsTrue((await log.RunAsync(f.Request())).Succeeded, log.AllText);
        texts.Add(log.AllText);

        f.Server.EnqueueJobScript(new JobScript { Outcome = JobOutcome.Failed, ErrorMessage = "Example 2: contains " + f.Canary });
        log = new TestLog();
        await log.RunAsync(f.Request(epochs: 4));
        texts.Add(log.AllText);
        Assert.AreEqual("FT7013", log.Errors.Single().Code);

        f.Server.RequiredApiKey = "sk-other";
        log = new TestLog();
        await log.RunAsync(f.Request(epochs: 5));
        texts.Add(log.AllText);
        Assert.AreEqual("FT7009", log.Errors.Single().Code, log.AllText);
        f.Server.RequiredApiKey = null;

        f.Server.EnqueueJobScript(new JobScript { Outcome = JobOutcome.RunForever });
        log = new TestLog();
        await log.RunAsync(f.Request(epochs: 6, waitTimeout: TimeSpan.FromMilliseconds(100)));
        texts.Add(log.AllText);

        texts.Add(File.ReadAllText(f.LockPath));
        texts.Add(File.ReadAllText(f.ModelFile));
        foreach (var text in texts)
        {
            Assert.DoesNotContain(f.Canary, text);
        }

        Assert.IsTrue(f.Server.Requests.Where(r => !r.Aborted).All(r => r.Header("Authorization") == "Bearer " + f.Canary));
        Assert.IsNotEmpty(f.Server.Requests);
    }
}
