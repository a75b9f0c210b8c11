using System.Text;
using System.Text.Json.Nodes;
using FineTune.Build.FakeOpenAI;
using FineTune.Build.Training;

namespace FineTune.Build.Core.Tests.Evaluation;

/// <summary>EvaluationService against the fake API with scripted answers.</summary>
[TestClass]
public sealed class EvaluationServiceTests
{
    private const string Model = "ft:babbage-002:acme::m1";
    private static readonly double Ln09 = Math.Log(0.9);
    private static readonly double Ln01 = Math.Log(0.1);

    /// <summary>Ten examples (6 yes, 4 no) answered as: yes 5 right + 1 no; no 2 right + 1 yes + 1 " maybe".</summary>
    private static void ScriptKnownMatrix(EvaluationFixture f, string model = Model)
    {
        string[] expected = [" yes", " yes", " yes", " yes", " yes", " yes", " no", " no", " no", " no"];
        string[] answers = [" yes", " yes", " yes", " yes", " yes", " no", " no", " no", " yes", " maybe"];
        f.WriteCompletions(expected);
        for (var i = 0; i < answers.Length; i++)
        {
            var other = answers[i] == " yes" ? " no" : " yes";
            var tops = answers[i] == " maybe"
                ? new Dictionary<string, double> { [" maybe"] = Math.Log(0.6), [" no"] = Math.Log(0.3) }
                : new Dictionary<string, double> { [answers[i]] = Ln09, [other] = Ln01 };
            f.Server.ScriptAnswer(model, EvaluationFixture.Prompt(i), new ScriptedAnswer(answers[i], tops));
        }
    }

    [TestMethod]
    public async Task LegacyCompletions_KnownConfusionMatrix_ExactMetricsAndRequests()
    {
        await using var f = await EvaluationFixture.CreateAsync();
        ScriptKnownMatrix(f);

        var (result, log) = await f.RunAsync(f.Request(task: "classification"));

        Assert.IsTrue(result.Succeeded, log.AllText);
        var c = result.Report!.Classification!;
        Assert.AreEqual(0.7, c.Accuracy, 1e-12);
        CollectionAssert.AreEqual(new[] { 2, 1, 1 }, c.Confusion[0].ToArray());
        CollectionAssert.AreEqual(new[] { 1, 5, 0 }, c.Confusion[1].ToArray());
        Assert.AreEqual(0.68, c.MeanCorrectProbability!.Value, 1e-9, "7 x 0.9 + 2 x 0.1 + 0.3, over 10");
        Assert.AreEqual(10, f.CompletionRequests);
        Assert.AreEqual(0, f.ChatRequests);

        // Each request: the prompt exactly as trained, max_tokens=1, top-5 logprobs, temperature 0.
        var bodies = f.Server.RequestsTo("POST", "/v1/completions").Select(r => JsonNode.Parse(r.Body)!.AsObject()).ToList();
        Assert.IsTrue(bodies.All(b => (string?)b["model"] == Model && (int?)b["max_tokens"] == 1 && (int?)b["logprobs"] == 5 && (double?)b["temperature"] == 0 && b["stop"] is null), bodies[0].ToJsonString());
        CollectionAssert.AreEquivalent(Enumerable.Range(0, 10).Select(EvaluationFixture.Prompt).ToList(), bodies.Select(b => (string?)b["prompt"]).ToList());

        // eval.json says the same, and the summary and the matrix were printed.
        var json = JsonNode.Parse(File.ReadAllText(f.EvalFile))!;
        Assert.AreEqual(0.7, (double)json["classification"]!["accuracy"]!, 1e-12);
        Assert.AreEqual("[\" no\",\" yes\",\"other\"]", json["classification"]!["confusion"]!["columns"]!.ToJsonString());
        Assert.AreEqual("[1,5,0]", json["classification"]!["confusion"]!["rows"]![1]!["counts"]!.ToJsonString());
        StringAssert.Contains(log.AllText, "ads: ft:babbage-002:acme::m1 accuracy 70.0% (7/10)");
        StringAssert.Contains(log.AllText, "1 answer(s) outside the classes");
        StringAssert.Contains(log.AllText, "expected \\ predicted  \" no\"  \" yes\"  other");
        StringAssert.Contains(log.AllText, "\" yes\"".PadRight(20) + "      1       5      0");
    }

    [TestMethod]
    public async Task Gate_PassesAtTheMeasuredValue_FailsJustAbove()
    {
        await using var f = await EvaluationFixture.CreateAsync();
        ScriptKnownMatrix(f);

        var (atBoundary, log1) = await f.RunAsync(f.Request(task: "classification", minAccuracy: 0.7));
        var (above, log2) = await f.RunAsync(f.Request(task: "classification", minAccuracy: 0.71));

        Assert.IsTrue(atBoundary.Succeeded, log1.AllText);
        Assert.IsEmpty(log1.Errors);
        Assert.IsFalse(above.Succeeded);
        var error = log2.Errors.Single();
        Assert.AreEqual("FT7050", error.Code);
        StringAssert.Contains(error.Text, "accuracy of ft:babbage-002:acme::m1 is 0.7 (7/10), below FineTuneMinAccuracy 0.71; see " + f.EvalFile);
        Assert.AreEqual(10, f.CompletionRequests, "the second run used the cached result");
    }

    [TestMethod]
    public async Task CachedResult_IsNotRequestedAgain_AndTheKeyAppearsNowhere()
    {
        await using var f = await EvaluationFixture.CreateAsync();
        ScriptKnownMatrix(f);

        var (first, _) = await f.RunAsync(f.Request(task: "classification"));
        var lockText = File.ReadAllText(f.LockPath);
        var (second, log) = await f.RunAsync(f.Request(task: "classification"));

        Assert.AreEqual(10, first.Requests);
        Assert.AreEqual(0, second.Requests);
        Assert.AreEqual(10, f.CompletionRequests);
        Assert.AreEqual(0.7, second.Report!.Classification!.Accuracy, 1e-12);
        StringAssert.Contains(log.AllText, "no request sent");
        StringAssert.Contains(lockText, "\"evaluations\"");
        Assert.AreEqual(lockText, File.ReadAllText(f.LockPath), "a cache hit does not rewrite the lock file");
        Assert.IsFalse(lockText.Contains(f.Canary, StringComparison.Ordinal));
        Assert.IsFalse(File.ReadAllText(f.EvalFile).Contains(f.Canary, StringComparison.Ordinal));
        Assert.IsFalse(log.AllText.Contains(f.Canary, StringComparison.Ordinal));

        // Another validation file (a changed dataset) is evaluated again.
        f.WriteCompletions(" yes", " yes");
        var (third, _) = await f.RunAsync(f.Request(task: "classification"));
        Assert.AreEqual(2, third.Requests);
    }

    [TestMethod]
    public async Task ChatGeneration_SendsStopAndMessages_MeasuresMatches()
    {
        await using var f = await EvaluationFixture.CreateAsync();
        f.WriteChats("Paris. END", "Rome. END", "Oslo. END");
        const string chatModel = "ft:gpt-4o-mini-2024-07-18:acme::c1";
        f.Server.ScriptAnswer(chatModel, EvaluationFixture.Question(0), new ScriptedAnswer("Paris.", CompletionTokens: 2));
        f.Server.ScriptAnswer(chatModel, EvaluationFixture.Question(1), new ScriptedAnswer(" rome. ", CompletionTokens: 3));
        f.Server.ScriptAnswer(chatModel, EvaluationFixture.Question(2), new ScriptedAnswer("Bergen, then Oslo and", FinishReason: "length", CompletionTokens: 7));

        var (result, log) = await f.RunAsync(f.Request(model: chatModel, task: "generation", stop: " END", minExactMatch: 0.34));

        var g = result.Report!.Generation!;
        Assert.AreEqual((1, 2, 2), (g.ExactMatches, g.NormalizedMatches, g.Stopped));
        Assert.AreEqual(4.0, g.MeanOutputTokens, 1e-12);
        Assert.AreEqual(3, f.ChatRequests);
        Assert.AreEqual(0, f.CompletionRequests);
        var body = JsonNode.Parse(f.Server.RequestsTo("POST", "/v1/chat/completions")[0].Body)!.AsObject();
        Assert.AreEqual("[\" END\"]", body["stop"]!.ToJsonString());
        Assert.AreEqual(0, (double)body["temperature"]!);
        Assert.AreEqual(2, body["messages"]!.AsArray().Count, "system and user; the answer is not sent");
        Assert.IsNull(body["messages"]![0]!["weight"]);
        Assert.IsNull(body["logprobs"]);
        var error = log.Errors.Single();
        Assert.AreEqual("FT7051", error.Code);
        StringAssert.Contains(error.Text, "exact match of " + chatModel + " is 0.3333 (1/3), below FineTuneMinExactMatch 0.34");
    }

    [TestMethod]
    public async Task ChatClassification_UsesLogprobsAndTopLogprobs_AnswersOutsideTheClassesAreOther()
    {
        await using var f = await EvaluationFixture.CreateAsync();
        f.WriteChats("positive", "negative", "positive");
        const string chatModel = "ft:gpt-4o-mini-2024-07-18:acme::c2";
        f.Server.ScriptAnswer(chatModel, EvaluationFixture.Question(0), new ScriptedAnswer("positive", new Dictionary<string, double> { ["positive"] = Ln09, ["negative"] = Ln01 }));
        f.Server.ScriptAnswer(chatModel, EvaluationFixture.Question(1), new ScriptedAnswer("Sorry", new Dictionary<string, double> { ["Sorry"] = Math.Log(0.5), ["negative"] = Math.Log(0.4) }));
        f.Server.ScriptAnswer(chatModel, EvaluationFixture.Question(2), new ScriptedAnswer("pos", new Dictionary<string, double> { ["pos"] = Ln09 }));

        var (result, log) = await f.RunAsync(f.Request(model: chatModel, task: "classification"));

        Assert.IsTrue(result.Succeeded, log.AllText);
        var c = result.Report!.Classification!;
        Assert.AreEqual(2.0 / 3, c.Accuracy, 1e-12, "'pos' is the first token of positive");
        Assert.AreEqual(1, c.OtherAnswers);
        CollectionAssert.AreEqual(new[] { 0, 0, 1 }, c.Confusion[0].ToArray(), "negative answered 'Sorry': other");
        Assert.AreEqual((0.9 + 0.4 + 0.9) / 3, c.MeanCorrectProbability!.Value, 1e-9);
        var body = JsonNode.Parse(f.Server.RequestsTo("POST", "/v1/chat/completions")[0].Body)!.AsObject();
        Assert.AreEqual((1, true, 5), ((int)body["max_tokens"]!, (bool)body["logprobs"]!, (int)body["top_logprobs"]!));
    }

    [TestMethod]
    public async Task CompareTo_WorseThanThePreviousModelByMoreThanMaxRegression_Fails()
    {
        await using var f = await EvaluationFixture.CreateAsync();
        ScriptKnownMatrix(f);
        const string previous = "ft:babbage-002:acme::m0";
        for (var i = 0; i < 10; i++)
        {
            // The previous model gets every example right: 1.0.
            var expected = i < 6 ? " yes" : " no";
            f.Server.ScriptAnswer(previous, EvaluationFixture.Prompt(i), new ScriptedAnswer(expected));
        }

        var lockFile = LockFile.Empty();
        lockFile.Set(EvaluationFixture.DatasetName, "old", new LockEntry { Status = "succeeded", FineTunedModel = previous, FinishedAt = "2026-01-01T00:00:00Z" });
        lockFile.Set(EvaluationFixture.DatasetName, "new", new LockEntry { Status = "succeeded", FineTunedModel = Model, FinishedAt = "2026-02-01T00:00:00Z" });
        lockFile.Save(f.LockPath);

        var (tolerated, log1) = await f.RunAsync(f.Request(model: null, task: "classification", compareTo: "previous", maxRegression: 0.3));
        var (strict, log2) = await f.RunAsync(f.Request(model: null, task: "classification", compareTo: "previous", maxRegression: 0.25));

        Assert.IsTrue(tolerated.Succeeded, log1.AllText);
        Assert.AreEqual(previous, tolerated.Report!.Comparison!.Model);
        Assert.AreEqual(1.0, tolerated.Report.Comparison.Value, 1e-12);
        StringAssert.Contains(log1.AllText, "ft:babbage-002:acme::m0 100.0% on the same examples (-30.0 points)");
        Assert.IsFalse(strict.Succeeded);
        Assert.AreEqual("FT7052", log2.Errors.Single().Code, log2.AllText);
        StringAssert.Contains(log2.Errors.Single().Text, "worse than ft:babbage-002:acme::m0's 1 on the same 10 example(s) by 0.3, more than FineTuneMaxRegression 0.25");
        Assert.AreEqual(20, f.CompletionRequests, "both models once; the second run is cached");
        Assert.IsTrue(JsonNode.Parse(File.ReadAllText(f.EvalFile))!["comparison"] is JsonObject);
    }

    [TestMethod]
    public async Task Limit_PicksTheSameStableSubset()
    {
        await using var f = await EvaluationFixture.CreateAsync();
        ScriptKnownMatrix(f);

        await f.RunAsync(f.Request(task: "classification", limit: 4));
        var first = f.Server.RequestsTo("POST", "/v1/completions").Select(r => (string?)JsonNode.Parse(r.Body)!["prompt"]).Order().ToList();
        File.Delete(f.LockPath);
        f.Server.ClearRequests();
        var (result, _) = await f.RunAsync(f.Request(task: "classification", limit: 4));
        var second = f.Server.RequestsTo("POST", "/v1/completions").Select(r => (string?)JsonNode.Parse(r.Body)!["prompt"]).Order().ToList();

        Assert.HasCount(4, first);
        CollectionAssert.AreEqual(first, second);
        Assert.AreEqual((4, 10), (result.Report!.Examples, result.Report.ValidationExamples));
    }

    [TestMethod]
    public async Task RateLimited_RetriesHonouringRetryAfter_ThenSucceeds()
    {
        await using var f = await EvaluationFixture.CreateAsync();
        ScriptKnownMatrix(f);
        f.Server.AddFault(new Fault { Kind = FaultKind.TooManyRequests, PathSuffix = "/v1/completions", Times = 2, RetryAfter = TimeSpan.FromMilliseconds(20) });

        var (result, log) = await f.RunAsync(f.Request(task: "classification", parallelism: 1));

        Assert.IsTrue(result.Succeeded, log.AllText);
        Assert.AreEqual(0.7, result.Report!.Classification!.Accuracy, 1e-12);
        Assert.AreEqual(12, f.CompletionRequests);
        StringAssert.Contains(log.AllText, "got HTTP 429; retrying in");
        StringAssert.Contains(log.AllText, "(Retry-After)");
    }

    [TestMethod]
    public async Task NoValidationExamples_IsFT7053_NoModelIsAWarning()
    {
        await using var f = await EvaluationFixture.CreateAsync();
        File.WriteAllText(f.ValidationFile, "", new UTF8Encoding(false));

        var (empty, log1) = await f.RunAsync(f.Request());
        f.WriteCompletions(" yes");
        var (noModel, log2) = await f.RunAsync(f.Request(model: null));

        Assert.IsFalse(empty.Succeeded);
        Assert.AreEqual("FT7053", log1.Errors.Single().Code);
        Assert.IsTrue(noModel.Succeeded);
        Assert.AreEqual("FT7054", log2.Entries.Single(e => e.Kind == "warning").Code);
        Assert.AreEqual(0, f.Server.Requests.Count);
    }
}
