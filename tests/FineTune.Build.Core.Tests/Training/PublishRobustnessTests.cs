using System.Diagnostics;
using FineTune.Build.FakeOpenAI;
using FineTune.Build.Training;

namespace FineTune.Build.Core.Tests.Training;

/// <summary>
/// Malformed answers, absurd headers, stalled requests and broken lock files end as one FT7xxx error that says
/// what to do (issue 9): never an exception out of the service, never a second job, never the key.
/// </summary>
[TestClass]
public sealed class PublishRobustnessTests
{
    private const string Html = "<!DOCTYPE html>\n<html><head><title>Sign in to the guest network</title></head><body>Welcome</body></html>";

    private static string EventList(string message) =>
        "{\"object\":\"list\",\"data\":[{\"object\":\"fine_tuning.job.event\",\"id\":\"ftevent-huge\",\"created_at\":1700000000,\"level\":\"info\","
        + $"\"message\":\"{message}\",\"data\":{{\"step\":99999999999,\"total_steps\":3}},\"type\":\"metrics\"}}],\"has_more\":false}}";

    [TestMethod]
    public async Task HtmlAnswerWith200_IsFT7024NamingTheRequest_AndNothingIsCreated()
    {
        await using var f = await TrainingFixture.CreateAsync();
        var fault = f.Server.AddFault(new Fault { Kind = FaultKind.Respond, PathContains = "/v1/", ContentType = "text/html; charset=utf-8", Body = Html, Times = 100 });
        var log = new TestLog();

        var result = await log.RunAsync(f.Request());

        Assert.IsFalse(result.Succeeded);
        var error = log.Errors.Single();
        Assert.AreEqual("FT7024", error.Code, log.AllText);
        StringAssert.Contains(error.Text, "GET /v1/fine_tuning/jobs answered HTTP 200 with content type text/html; charset=utf-8");
        StringAssert.Contains(error.Text, "'<!DOCTYPE html> <html><head><title>Sign in to the guest network");
        StringAssert.Contains(error.Text, "Check that FineTuneEndpoint / OPENAI_BASE_URL");
        Assert.AreEqual(1, fault.Hits, "a page that is not JSON is not retried");
        Assert.IsEmpty(f.Server.Jobs);
        Assert.IsEmpty(f.Server.Files);
    }

    [TestMethod]
    public async Task HtmlAnswerToAPoll_IsFT7024_TheOneJobIsRecorded_AndTheNextPublishResumesIt()
    {
        await using var f = await TrainingFixture.CreateAsync();
        f.Server.AddFault(new Fault { Kind = FaultKind.Respond, Method = "GET", PathContains = "/fine_tuning/jobs/ftjob-", ContentType = "text/html", Body = Html });
        var log = new TestLog();

        var result = await log.RunAsync(f.Request());

        Assert.IsFalse(result.Succeeded);
        Assert.AreEqual("FT7024", log.Errors.Single().Code, log.AllText);
        var job = f.Server.Jobs.Values.Single();
        StringAssert.Contains(File.ReadAllText(f.LockPath), job.Id);

        var again = new TestLog();
        var second = await again.RunAsync(f.Request());

        Assert.IsTrue(second.Succeeded, again.AllText);
        Assert.AreEqual(job.Id, second.JobId);
        Assert.HasCount(1, f.Server.Jobs);
    }

    [TestMethod]
    public async Task BodyThatIsNotJson_WithAJsonContentType_IsFT7024()
    {
        await using var f = await TrainingFixture.CreateAsync();
        f.Server.AddFault(new Fault { Kind = FaultKind.Respond, Method = "GET", PathSuffix = "/v1/files", Body = "{\"data\": [", Times = 10 });
        var log = new TestLog();

        var result = await log.RunAsync(f.Request());

        Assert.IsFalse(result.Succeeded);
        var error = log.Errors.Single();
        Assert.AreEqual("FT7024", error.Code, log.AllText);
        StringAssert.Contains(error.Text, "GET /v1/files answered HTTP 200 with a body that is not JSON ('{\"data\": [')");
        Assert.IsEmpty(f.Server.Jobs);
    }

    [TestMethod]
    public async Task JobsListThatIsAnEmptyObject_IsFT7024_AndNoJobIsCreated()
    {
        await using var f = await TrainingFixture.CreateAsync();
        f.Server.AddFault(new Fault { Kind = FaultKind.Respond, Method = "GET", PathSuffix = "/v1/fine_tuning/jobs", Body = "{}", Times = 10 });
        var log = new TestLog();

        var result = await log.RunAsync(f.Request());

        Assert.IsFalse(result.Succeeded);
        var error = log.Errors.Single();
        Assert.AreEqual("FT7024", error.Code, log.AllText);
        StringAssert.Contains(error.Text, "GET /v1/fine_tuning/jobs answered without a 'data' list ('{}')");
        Assert.IsEmpty(f.Server.Jobs, "without the list, the service cannot know whether a job exists: it creates none");
    }

    [TestMethod]
    public async Task JobWithoutAnId_IsFT7024NamingTheStep()
    {
        await using var f = await TrainingFixture.CreateAsync();
        f.Server.AddFault(new Fault { Kind = FaultKind.Respond, Method = "GET", PathContains = "/fine_tuning/jobs/ftjob-", Body = "{\"object\":\"fine_tuning.job\"}" });
        var log = new TestLog();

        var result = await log.RunAsync(f.Request());

        Assert.IsFalse(result.Succeeded);
        var error = log.Errors.Single();
        Assert.AreEqual("FT7024", error.Code, log.AllText);
        StringAssert.Contains(error.Text, "while following job ftjob-");
        Assert.HasCount(1, f.Server.Jobs);
    }

    [TestMethod]
    public async Task EventWithAStepBeyondInt_IsNoProgress_AndThePublishSucceeds()
    {
        await using var f = await TrainingFixture.CreateAsync();
        var fault = f.Server.AddFault(new Fault { Kind = FaultKind.Respond, Method = "GET", PathSuffix = "/events", Body = EventList("Step 99999999999/3: training loss=0.5") });
        var log = new TestLog();

        var result = await log.RunAsync(f.Request());

        Assert.IsTrue(result.Succeeded, log.AllText);
        Assert.AreEqual(1, fault.Hits);
        Assert.IsEmpty(log.Errors);
        StringAssert.Contains(log.AllText, "Step 99999999999/3: training loss=0.5", "the event is shown as the API sent it");
        Assert.DoesNotContain("step 99999999999", log.AllText, "but it is no progress line");
        StringAssert.Contains(log.AllText, "step 6/6 (100%)");
        Assert.HasCount(1, f.Server.Jobs);
    }

    [TestMethod]
    public async Task RetryAfterOf1e12Seconds_IsCappedAtTheMaximumDelay()
    {
        await using var f = await TrainingFixture.CreateAsync();
        var fault = f.Server.AddFault(new Fault
        {
            Kind = FaultKind.Respond, Method = "POST", PathSuffix = "/v1/files", Status = 429,
            Body = "{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"requests\",\"code\":\"rate_limit_exceeded\"}}",
            Headers = new Dictionary<string, string> { ["Retry-After"] = "1e12" },
        });
        var log = new TestLog();
        var clock = Stopwatch.StartNew();

        var result = await log.RunAsync(f.Request(validation: false, retryMaxDelay: TimeSpan.FromMilliseconds(400)));

        Assert.IsTrue(result.Succeeded, log.AllText);
        Assert.AreEqual(1, fault.Hits);
        Assert.IsLessThan(10, clock.Elapsed.TotalSeconds);
        StringAssert.Contains(log.AllText, "retrying in 0.4 s (Retry-After asked for a day or more; capped)");
        Assert.HasCount(1, f.Server.Jobs);
    }

    [TestMethod]
    public async Task RetryAfterBeyondTheWaitTimeout_EndsTheWaitOnTime()
    {
        await using var f = await TrainingFixture.CreateAsync();
        f.Server.AddFault(new Fault
        {
            Kind = FaultKind.Respond, Method = "GET", PathContains = "/fine_tuning/jobs/ftjob-", Status = 429, Times = 100,
            Body = "{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"requests\"}}",
            Headers = new Dictionary<string, string> { ["Retry-After"] = "1e12" },
        });
        var log = new TestLog();
        var clock = Stopwatch.StartNew();

        var result = await log.RunAsync(f.Request(waitTimeout: TimeSpan.FromSeconds(1.5), retryMaxDelay: TimeSpan.FromHours(1)));

        Assert.IsFalse(result.Succeeded);
        Assert.AreEqual("FT7015", log.Errors.Single().Code, log.AllText);
        Assert.IsLessThan(10, clock.Elapsed.TotalSeconds, "the wait ends at FineTuneWaitTimeout, not after the server's delay");
        Assert.HasCount(1, f.Server.Jobs);
    }

    [TestMethod]
    public async Task PollHeldByTheServer_EndsAtTheWaitTimeout_AndTheJobStaysRecorded()
    {
        await using var f = await TrainingFixture.CreateAsync();
        f.Server.AddFault(new Fault { Kind = FaultKind.Slow, Method = "GET", PathContains = "/fine_tuning/jobs/ftjob-", Delay = TimeSpan.FromSeconds(150), Times = 100 });
        var log = new TestLog();
        var clock = Stopwatch.StartNew();

        var result = await log.RunAsync(f.Request(waitTimeout: TimeSpan.FromSeconds(1.5)));

        Assert.IsFalse(result.Succeeded);
        Assert.IsLessThan(10, clock.Elapsed.TotalSeconds, $"took {clock.Elapsed}");
        var error = log.Errors.Single();
        Assert.AreEqual("FT7015", error.Code, log.AllText);
        StringAssert.Contains(error.Text, "the endpoint did not answer in time (the job was last seen queued); the job keeps running");
        var job = f.Server.Jobs.Values.Single();
        var lockText = File.ReadAllText(f.LockPath);
        StringAssert.Contains(lockText, job.Id);
        StringAssert.Contains(lockText, "\"status\": \"queued\"");
    }

    [TestMethod]
    public async Task DuplicatedKeyInTheLockFile_IsFT7008NamingTheKeyAndLine_BeforeAnyRequest()
    {
        await using var f = await TrainingFixture.CreateAsync();
        // Both sides of a merge recorded an entry under the same lock key.
        var entry = "{ \"jobId\": \"ftjob-{0}\", \"status\": \"succeeded\", \"fineTunedModel\": \"ft:m:{0}\" }";
        File.WriteAllText(f.LockPath,
            "{\n  \"datasets\": {\n    \"ads\": {\n      \"current\": \"k1\",\n      \"entries\": {\n"
            + "        \"k1\": " + entry.Replace("{0}", "a") + ",\n"
            + "        \"k1\": " + entry.Replace("{0}", "b") + "\n"
            + "      }\n    }\n  },\n  \"version\": 1\n}\n");
        var log = new TestLog();

        var result = await log.RunAsync(f.Request());

        Assert.IsFalse(result.Succeeded);
        var error = log.Errors.Single();
        Assert.AreEqual("FT7008", error.Code, log.AllText);
        Assert.AreEqual((f.LockPath, 7, 9), (error.File, error.Line, error.Column));
        StringAssert.Contains(error.Text, "has the key 'k1' twice in datasets.ads.entries (line 7), as a careless merge leaves it. Keep one of the two");
        Assert.IsEmpty(f.Server.Requests);
    }

    [TestMethod]
    public void DuplicateKeys_AreFoundAtAnyDepth_AndNotAcrossObjects()
    {
        Assert.IsNull(JsonDuplicateKeys.FindFirst("{\"a\": {\"x\": 1}, \"b\": {\"x\": 2}, \"c\": [{\"x\": 1}, {\"x\": 2}]}"));
        Assert.AreEqual(new JsonDuplicateKeys.Duplicate("version", "", 3, 1), JsonDuplicateKeys.FindFirst("{\"version\": 1,\n\"datasets\": {},\n\"version\": 1}"));
        Assert.AreEqual(new JsonDuplicateKeys.Duplicate("é", "a.b", 1, 22), JsonDuplicateKeys.FindFirst("{\"a\": {\"b\": {\"é\": 1, \"é\": 2}}}"));
        Assert.AreEqual("x", JsonDuplicateKeys.FindFirst("{\"a\": [{\"y\": 1, /* c */ \"x\": 1, \"x\": 1,},]}")?.Key);
    }

    [TestMethod]
    public async Task LockFileLockThatIsAFolder_IsFT7025AtOnce()
    {
        await using var f = await TrainingFixture.CreateAsync();
        Directory.CreateDirectory(f.LockPath + ".lock");
        var log = new TestLog();
        var clock = Stopwatch.StartNew();

        var result = await log.RunAsync(f.Request());

        Assert.IsFalse(result.Succeeded);
        Assert.IsLessThan(5, clock.Elapsed.TotalSeconds, "no wait for the project lock timeout");
        var error = log.Errors.Single();
        Assert.AreEqual("FT7025", error.Code, log.AllText);
        StringAssert.Contains(error.Text, "finetune.lock.json.lock' is a folder");
        StringAssert.Contains(error.Text, "Delete the folder and publish again.");
        Assert.IsEmpty(f.Server.Jobs);
    }

    [TestMethod]
    public async Task LockFileThatIsAFolder_IsAnErrorNotACrash()
    {
        await using var f = await TrainingFixture.CreateAsync();
        Directory.CreateDirectory(f.LockPath);
        var log = new TestLog();

        var result = await log.RunAsync(f.Request());

        Assert.IsFalse(result.Succeeded);
        var error = log.Errors.Single();
        Assert.AreEqual("FT7022", error.Code, log.AllText);
        Assert.HasCount(1, f.Server.Jobs, "the job is created once; the lock file cannot record it");
    }

    [TestMethod]
    [DataRow(0)]
    [DataRow(68)]
    public async Task ProxyPageEchoingTheKey_IsFT7024_WithoutTheKey(int padding)
    {
        await using var f = await TrainingFixture.CreateAsync();
        // With padding, the key straddles the end of the quoted start of the body: no part of it may be left.
        var body = $"<html>{new string('x', padding)} Authorization: Bearer {f.Canary}</html>";
        f.Server.AddFault(new Fault { Kind = FaultKind.Respond, PathContains = "/v1/", ContentType = "text/html", Body = body, Times = 100 });
        var log = new TestLog();

        await log.RunAsync(f.Request());

        var error = log.Errors.Single();
        Assert.AreEqual("FT7024", error.Code);
        if (padding == 0)
        {
            StringAssert.Contains(error.Text, "Authorization: Bearer ***");
        }

        Assert.DoesNotContain(f.Canary, log.AllText);
        Assert.DoesNotContain(f.Canary[10..], log.AllText);
        Assert.DoesNotContain(f.Canary[..14], log.AllText);
    }
}
