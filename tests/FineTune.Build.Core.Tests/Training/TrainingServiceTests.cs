using System.Text.Json.Nodes;
using FineTune.Build.Diagnostics;
using FineTune.Build.FakeOpenAI;
using FineTune.Build.Training;

namespace FineTune.Build.Core.Tests.Training;

[TestClass]
public sealed class TrainingServiceTests
{
    [TestMethod]
    public async Task Train_UploadsTheExactBytes_SendsTheParameters_AndRecordsTheModel()
    {
        await using var f = await TrainingFixture.CreateAsync();
        var log = new TestLog();

        var result = await log.RunAsync(f.Request());

        Assert.IsTrue(result.Succeeded, log.AllText);
        Assert.IsFalse(result.Reused);
        var uploads = f.Server.RequestsTo("POST", "/v1/files");
        Assert.HasCount(2, uploads);
        var stored = f.Server.Files.Values.OrderBy(x => x.CreatedAt).ToList();
        Assert.HasCount(2, stored);
        CollectionAssert.AreEqual(File.ReadAllBytes(f.TrainFile), stored[0].Content);
        CollectionAssert.AreEqual(File.ReadAllBytes(f.ValidationFile), stored[1].Content);
        Assert.AreEqual("fine-tune", stored[0].Purpose);
        StringAssert.StartsWith(stored[0].Filename, "ads.train.");
        StringAssert.Contains(uploads[0].BodyText, "name=purpose");
        Assert.AreEqual("Bearer " + f.Canary, uploads[0].Header("Authorization"));

        var create = f.Server.RequestsTo("POST", "/v1/fine_tuning/jobs").Single();
        var body = JsonNode.Parse(create.BodyText)!;
        Assert.AreEqual("gpt-4o-mini-2024-07-18", (string?)body["model"]);
        Assert.AreEqual(stored[0].Id, (string?)body["training_file"]);
        Assert.AreEqual(stored[1].Id, (string?)body["validation_file"]);
        Assert.AreEqual("ads", (string?)body["suffix"]);
        Assert.AreEqual(7, (int?)body["seed"]);
        Assert.AreEqual("supervised", (string?)body["method"]!["type"]);
        var hp = body["method"]!["supervised"]!["hyperparameters"]!;
        Assert.AreEqual(3, (int?)hp["n_epochs"]);
        Assert.AreEqual(4, (int?)hp["batch_size"]);
        Assert.AreEqual(0.5, (double?)hp["learning_rate_multiplier"]);
        Assert.AreEqual(result.DatasetHash, (string?)body["metadata"]!["finetune_dataset_sha256"]);
        Assert.AreEqual(result.LockKey, (string?)body["metadata"]!["finetune_lock_key"]);
        Assert.AreEqual("0123456789abcdef0123456789abcdef01234567", (string?)body["metadata"]!["finetune_source_revision"]);

        var job = f.Server.Jobs.Values.Single();
        Assert.AreEqual(job.Id, result.JobId);
        Assert.AreEqual(job.FineTunedModel, result.FineTunedModel);
        Assert.AreEqual(job.FineTunedModel + "\n", File.ReadAllText(f.ModelFile));

        var lockFile = LockFile.Load(f.LockPath);
        var entry = lockFile.Current("ads")!;
        Assert.AreEqual(result.LockKey, lockFile.CurrentKey("ads"));
        Assert.AreEqual("succeeded", entry.Status);
        Assert.AreEqual(job.Id, entry.JobId);
        Assert.AreEqual(job.FineTunedModel, entry.FineTunedModel);
        Assert.AreEqual(stored[0].Id, entry.Files["train"].Id);
        Assert.AreEqual(stored[1].Id, entry.Files["validation"].Id);
        Assert.AreEqual(f.Server.BaseUrl, entry.Endpoint);

        // Events and a progress line were printed.
        StringAssert.Contains(log.AllText, "Step 6/6: training loss=");
        StringAssert.Contains(log.AllText, "step 6/6 (100%)");
        StringAssert.Contains(log.AllText, "fine-tuned model " + job.FineTunedModel);
    }

    [TestMethod]
    public async Task SecondRun_SendsNoUploadAndNoCreate_AndLeavesTheLockFileAlone()
    {
        await using var f = await TrainingFixture.CreateAsync();
        var first = await new TestLog().RunAsync(f.Request());
        Assert.IsTrue(first.Succeeded);
        var lockBytes = File.ReadAllBytes(f.LockPath);
        File.Delete(f.ModelFile);
        f.Server.ClearRequests();

        var log = new TestLog();
        var second = await log.RunAsync(f.Request());

        Assert.IsTrue(second.Succeeded, log.AllText);
        Assert.IsTrue(second.Reused);
        Assert.AreEqual(first.FineTunedModel, second.FineTunedModel);
        Assert.IsEmpty(f.Server.Requests, string.Join(", ", f.Server.Requests));
        CollectionAssert.AreEqual(lockBytes, File.ReadAllBytes(f.LockPath));
        Assert.AreEqual(first.FineTunedModel + "\n", File.ReadAllText(f.ModelFile));
        StringAssert.Contains(log.AllText, "already trained as " + first.FineTunedModel);
    }

    [TestMethod]
    public async Task ChangedParameters_TrainAnew_ReuseTheUploadedFiles_AndKeepHistory()
    {
        await using var f = await TrainingFixture.CreateAsync();
        var first = await new TestLog().RunAsync(f.Request(epochs: 3));
        var second = await new TestLog().RunAsync(f.Request(epochs: 5));

        Assert.IsTrue(second.Succeeded);
        Assert.AreNotEqual(first.LockKey, second.LockKey);
        Assert.AreEqual(first.DatasetHash, second.DatasetHash);
        Assert.HasCount(2, f.Server.RequestsTo("POST", "/v1/fine_tuning/jobs"));
        Assert.HasCount(2, f.Server.RequestsTo("POST", "/v1/files"), "the second run reuses both files by their hashed names");
        var lockFile = LockFile.Load(f.LockPath);
        Assert.HasCount(2, lockFile.Entries("ads").ToList());
        Assert.AreEqual(second.LockKey, lockFile.CurrentKey("ads"));
        Assert.AreEqual(first.FineTunedModel, lockFile.Find("ads", first.LockKey!)!.FineTunedModel);

        // Going back to the first parameters reports the recorded model and makes it current again.
        f.Server.ClearRequests();
        var third = await new TestLog().RunAsync(f.Request(epochs: 3));
        Assert.AreEqual(first.FineTunedModel, third.FineTunedModel);
        Assert.IsEmpty(f.Server.Requests);
        Assert.AreEqual(first.LockKey, LockFile.Load(f.LockPath).CurrentKey("ads"));
    }

    [TestMethod]
    public async Task KilledBetweenUploadAndCreate_NextRunReusesTheFile_AndCreatesOneJob()
    {
        await using var f = await TrainingFixture.CreateAsync();
        await Assert.ThrowsExactlyAsync<OperationCanceledException>(() =>
            new TestLog().RunAsync(f.Request(checkpoint: c => { if (c == "uploaded") { throw new OperationCanceledException("killed"); } })));
        Assert.HasCount(2, f.Server.Files);
        Assert.IsEmpty(f.Server.Jobs);
        Assert.IsFalse(File.Exists(f.LockPath) && LockFile.Load(f.LockPath).Current("ads") is not null);
        f.Server.ClearRequests();

        var log = new TestLog();
        var result = await log.RunAsync(f.Request());

        Assert.IsTrue(result.Succeeded, log.AllText);
        Assert.IsEmpty(f.Server.RequestsTo("POST", "/v1/files"));
        Assert.HasCount(1, f.Server.RequestsTo("POST", "/v1/fine_tuning/jobs"));
        Assert.HasCount(1, f.Server.Jobs);
        StringAssert.Contains(log.AllText, "reusing uploaded ads.train.");
    }

    [TestMethod]
    public async Task KilledBetweenCreateAndLockWrite_NextRunFindsTheJobByItsMetadata()
    {
        await using var f = await TrainingFixture.CreateAsync();
        await Assert.ThrowsExactlyAsync<OperationCanceledException>(() =>
            new TestLog().RunAsync(f.Request(checkpoint: c => { if (c == "created") { throw new OperationCanceledException("killed"); } })));
        Assert.HasCount(1, f.Server.Jobs);
        f.Server.ClearRequests();

        var log = new TestLog();
        var result = await log.RunAsync(f.Request());

        Assert.IsTrue(result.Succeeded, log.AllText);
        Assert.IsTrue(result.Reused);
        Assert.IsEmpty(f.Server.RequestsTo("POST", "/v1/fine_tuning/jobs"));
        Assert.IsEmpty(f.Server.RequestsTo("POST", "/v1/files"));
        var search = f.Server.RequestsTo("GET", "/v1/fine_tuning/jobs").First();
        StringAssert.Contains(Uri.UnescapeDataString(search.QueryString), "metadata[finetune_lock_key]=" + result.LockKey);
        Assert.AreEqual(f.Server.Jobs.Keys.Single(), result.JobId);
        Assert.AreEqual("succeeded", LockFile.Load(f.LockPath).Current("ads")!.Status);
    }

    [TestMethod]
    public async Task KilledWhileFollowing_NextRunResumesTheSameJob()
    {
        await using var f = await TrainingFixture.CreateAsync();
        f.Server.DefaultJobScript = new JobScript { Steps = 10, StepsPerTick = 1 };
        using var cts = new CancellationTokenSource();
        var log = new TestLog { OnMessage = m => { if (m.Contains("Step 2/10")) { cts.Cancel(); } } };
        try
        {
            await log.RunAsync(f.Request(), cts.Token);
            Assert.Fail("expected the run to be cancelled");
        }
        catch (OperationCanceledException) { }
        var recorded = LockFile.Load(f.LockPath).Current("ads")!;
        Assert.IsFalse(recorded.IsTerminal, recorded.Status);
        var jobId = recorded.JobId;
        f.Server.ClearRequests();

        var log2 = new TestLog();
        var result = await log2.RunAsync(f.Request());

        Assert.IsTrue(result.Succeeded, log2.AllText);
        Assert.AreEqual(jobId, result.JobId);
        Assert.IsEmpty(f.Server.RequestsTo("POST", "/v1/fine_tuning/jobs"));
        Assert.IsEmpty(f.Server.RequestsTo("POST", "/v1/files"));
        Assert.HasCount(1, f.Server.Jobs);
        StringAssert.Contains(log2.AllText, "resuming job " + jobId);
        StringAssert.Contains(log2.AllText, "Step 10/10");
    }

    [TestMethod]
    public async Task FailedJob_IsAnErrorAtTheSourceLineOfTheNamedExample()
    {
        await using var f = await TrainingFixture.CreateAsync();
        f.Server.DefaultJobScript = new JobScript
        {
            Outcome = JobOutcome.Failed,
            FailDuringValidation = true,
            ErrorMessage = "The job failed due to an invalid training file. Example 3: Messages must end with an assistant message.",
        };
        var asked = new List<(int, string)>();
        Location? Locate(int n, string kind)
        {
            asked.Add((n, kind));
            return new Location("ads.yaml", 30, 5);
        }
        var log = new TestLog();

        var result = await log.RunAsync(f.Request(locator: Locate));

        Assert.IsFalse(result.Succeeded);
        var error = log.Errors.Single();
        Assert.AreEqual("FT7013", error.Code);
        Assert.AreEqual("ads.yaml", error.File);
        Assert.AreEqual(30, error.Line);
        Assert.AreEqual(5, error.Column);
        StringAssert.Contains(error.Text, "Example 3: Messages must end with an assistant message.");
        CollectionAssert.Contains(asked, (3, "train"));
        Assert.AreEqual("failed", LockFile.Load(f.LockPath).Current("ads")!.Status);
        Assert.IsFalse(File.Exists(f.ModelFile));

        // Without a source map it points at the compiled file's line; a second run reports it without requests.
        f.Server.ClearRequests();
        var log2 = new TestLog();
        await log2.RunAsync(f.Request());
        var again = log2.Errors.Single();
        Assert.AreEqual("FT7013", again.Code);
        Assert.AreEqual(f.TrainFile, again.File);
        Assert.AreEqual(3, again.Line);
        Assert.IsEmpty(f.Server.Requests);
    }

    [TestMethod]
    public async Task CancelledJob_IsAnError()
    {
        await using var f = await TrainingFixture.CreateAsync();
        f.Server.DefaultJobScript = new JobScript { Outcome = JobOutcome.Cancelled };
        var log = new TestLog();
        var result = await log.RunAsync(f.Request());
        Assert.IsFalse(result.Succeeded);
        Assert.AreEqual("FT7014", log.Errors.Single().Code);
    }

    [TestMethod]
    public async Task WaitFalse_ReturnsAfterCreation_AndTheNextRunFollows()
    {
        await using var f = await TrainingFixture.CreateAsync();
        var log = new TestLog();
        var result = await log.RunAsync(f.Request(wait: false));
        Assert.IsTrue(result.Succeeded, log.AllText);
        Assert.IsNull(result.FineTunedModel);
        Assert.AreEqual("queued", result.Status);
        Assert.IsEmpty(f.Server.RequestsTo("GET", "/events"));

        var followed = await new TestLog().RunAsync(f.Request());
        Assert.AreEqual(result.JobId, followed.JobId);
        Assert.IsNotNull(followed.FineTunedModel);
        Assert.HasCount(1, f.Server.RequestsTo("POST", "/v1/fine_tuning/jobs"));
    }

    [TestMethod]
    public async Task WaitTimeout_IsAClearError_AndLeavesTheJobRunning()
    {
        await using var f = await TrainingFixture.CreateAsync();
        f.Server.DefaultJobScript = new JobScript { Outcome = JobOutcome.RunForever, Steps = 3 };
        var log = new TestLog();
        var result = await log.RunAsync(f.Request(waitTimeout: TimeSpan.FromMilliseconds(300)));
        Assert.IsFalse(result.Succeeded);
        var error = log.Errors.Single();
        Assert.AreEqual("FT7015", error.Code);
        StringAssert.Contains(error.Text, "keeps running");
        var job = f.Server.Jobs.Values.Single();
        Assert.AreEqual("running", job.Status);
        Assert.IsFalse(job.CancelRequested);
        Assert.AreEqual("running", LockFile.Load(f.LockPath).Current("ads")!.Status);
    }

    [TestMethod]
    public async Task MissingKey_IsAnErrorBeforeAnyRequest()
    {
        await using var f = await TrainingFixture.CreateAsync();
        var log = new TestLog();
        var result = await log.RunAsync(f.Request(apiKey: null));
        Assert.IsFalse(result.Succeeded);
        Assert.AreEqual("FT7001", log.Errors.Single().Code);
        StringAssert.Contains(log.Errors.Single().Text, "OPENAI_API_KEY");
        Assert.IsEmpty(f.Server.Requests);
    }

    [TestMethod]
    public async Task KeyAndEndpoint_ComeFromTheEnvironment_WhenNotGiven()
    {
        await using var f = await TrainingFixture.CreateAsync();
        var env = new Dictionary<string, string?> { ["OPENAI_API_KEY"] = f.Canary, ["OPENAI_BASE_URL"] = f.Server.BaseUrl };
        var log = new TestLog();
        var result = await log.RunAsync(f.Request(apiKey: null, endpoint: null, environment: n => env.GetValueOrDefault(n)));
        Assert.IsTrue(result.Succeeded, log.AllText);
        Assert.IsTrue(f.Server.Requests.All(r => r.Header("Authorization") == "Bearer " + f.Canary));
    }

    [TestMethod]
    public async Task FineTuneEndpoint_WinsOverOpenAIBaseUrl()
    {
        await using var f = await TrainingFixture.CreateAsync();
        var env = new Dictionary<string, string?> { ["OPENAI_BASE_URL"] = "http://127.0.0.1:1/v1" };
        var result = await new TestLog().RunAsync(f.Request(environment: n => env.GetValueOrDefault(n)));
        Assert.IsTrue(result.Succeeded);
    }

    [TestMethod]
    public async Task InvalidEndpoint_IsAnErrorBeforeAnyRequest()
    {
        await using var f = await TrainingFixture.CreateAsync();
        var log = new TestLog();
        await log.RunAsync(f.Request(endpoint: "not a url"));
        Assert.AreEqual("FT7006", log.Errors.Single().Code);
    }

    [TestMethod]
    public async Task Dpo_SendsBetaInTheDpoMethod()
    {
        await using var f = await TrainingFixture.CreateAsync();
        var result = await new TestLog().RunAsync(f.Request(method: "dpo", beta: 0.25));
        Assert.IsTrue(result.Succeeded);
        var body = JsonNode.Parse(f.Server.RequestsTo("POST", "/v1/fine_tuning/jobs").Single().BodyText)!;
        Assert.AreEqual("dpo", (string?)body["method"]!["type"]);
        Assert.AreEqual(0.25, (double?)body["method"]!["dpo"]!["hyperparameters"]!["beta"]);
    }

    [TestMethod]
    public async Task ConcurrentRuns_OfOneProject_StartOneJob()
    {
        await using var f = await TrainingFixture.CreateAsync();
        f.Server.DefaultJobScript = new JobScript { Steps = 6, StepsPerTick = 1 };
        var runs = Enumerable.Range(0, 3).Select(_ => Task.Run(() => new TestLog().RunAsync(f.Request()))).ToArray();
        var results = await Task.WhenAll(runs);

        Assert.IsTrue(results.All(r => r.Succeeded));
        Assert.AreEqual(1, results.Select(r => r.JobId).Distinct().Count());
        Assert.AreEqual(1, results.Select(r => r.FineTunedModel).Distinct().Count());
        Assert.HasCount(1, f.Server.RequestsTo("POST", "/v1/fine_tuning/jobs"));
        Assert.HasCount(2, f.Server.RequestsTo("POST", "/v1/files"));
    }

    [TestMethod]
    public async Task UploadsApi_IsUsedAboveTheThreshold_InPartsOfTheGivenSize()
    {
        await using var f = await TrainingFixture.CreateAsync(trainExamples: 20);
        var size = new FileInfo(f.TrainFile).Length;
        var log = new TestLog();
        var result = await log.RunAsync(f.Request(uploadsThreshold: 400, partSize: 256));

        Assert.IsTrue(result.Succeeded, log.AllText);
        var create = JsonNode.Parse(f.Server.RequestsTo("POST", "/v1/uploads").Single().BodyText)!;
        Assert.AreEqual("fine-tune", (string?)create["purpose"]);
        Assert.AreEqual(size, (long?)create["bytes"]);
        Assert.AreEqual("text/jsonl", (string?)create["mime_type"]);
        var parts = f.Server.RequestsTo("POST", "/parts");
        Assert.HasCount((int)((size + 255) / 256), parts);
        Assert.HasCount(1, f.Server.RequestsTo("POST", "/complete"));
        var upload = f.Server.Uploads.Values.Single();
        var file = f.Server.Files[upload.FileId!];
        CollectionAssert.AreEqual(File.ReadAllBytes(f.TrainFile), file.Content);
        // The validation file is under the threshold: a plain upload.
        Assert.HasCount(1, f.Server.RequestsTo("POST", "/v1/files"));
        var body = JsonNode.Parse(f.Server.RequestsTo("POST", "/v1/fine_tuning/jobs").Single().BodyText)!;
        Assert.AreEqual(file.Id, (string?)body["training_file"]);
    }
}
