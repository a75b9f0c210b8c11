using FineTune.Build.Training;

namespace FineTune.Build.Core.Tests.Training;

[TestClass]
public sealed class TrainingUnitTests
{
    [TestMethod]
    [DataRow("Example 42: Invalid file format.", null, 42, "train")]
    [DataRow("The job failed due to an invalid validation file. Example 7: missing completion", null, 7, "validation")]
    [DataRow("example #3 has too many tokens", "validation_file", 3, "validation")]
    public void ExampleReference_FindsTheExampleAndFile(string message, string? param, int number, string kind)
    {
        var found = ExampleReference.TryParse(message, param);
        Assert.IsNotNull(found);
        Assert.AreEqual(number, found.Value.Number);
        Assert.AreEqual(kind, found.Value.FileKind);
    }

    [TestMethod]
    public void ExampleReference_IgnoresMessagesWithoutAnExample() =>
        Assert.IsNull(ExampleReference.TryParse("Training file too small."));

    [TestMethod]
    [DataRow("90", 90)]
    [DataRow("90s", 90)]
    [DataRow("30m", 1800)]
    [DataRow("2h", 7200)]
    [DataRow("01:30:00", 5400)]
    [DataRow("500ms", 0.5)]
    public void Durations_Parse(string text, double seconds) =>
        Assert.AreEqual(seconds, TrainingSettings.ParseDuration("X", text, TimeSpan.Zero).TotalSeconds);

    [TestMethod]
    public void InvalidSettings_AreFT7005()
    {
        Assert.AreEqual("FT7005", Assert.ThrowsExactly<TrainingException>(() => TrainingSettings.ParseDuration("FineTuneWaitTimeout", "soon", TimeSpan.Zero)).Code);
        Assert.AreEqual("FT7005", Assert.ThrowsExactly<TrainingException>(() => TrainingSettings.ParseOptionalInt("FineTuneEpochs", "0", 1, 50)).Code);
        Assert.AreEqual("FT7005", Assert.ThrowsExactly<TrainingException>(() => TrainingSettings.ParseOptionalDouble("FineTuneLearningRateMultiplier", "-1", 0, 100)).Code);
        Assert.AreEqual("FT7004", Assert.ThrowsExactly<TrainingException>(() => TrainingSettings.ParseMethod("rl")).Code);
        Assert.IsNull(TrainingSettings.ParseOptionalInt("FineTuneEpochs", "auto", 1, 50));
    }

    [TestMethod]
    public void LockKey_ChangesWithEveryTrainingInput_ButNotWithTheFilePath()
    {
        var dir = Path.Combine(Path.GetTempPath(), "ft-key-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            var a = Path.Combine(dir, "a.jsonl");
            var b = Path.Combine(dir, "b.jsonl");
            File.WriteAllText(a, "{\"prompt\":\"x\",\"completion\":\" y\"}\n");
            File.Copy(a, b);
            TrainingRequest R(string file, int? epochs = null, string? suffix = null, int? seed = null, string model = "babbage-002") =>
                new() { ProjectDirectory = dir, DatasetName = "d", TrainFile = file, BaseModel = model, Epochs = epochs, Suffix = suffix, Seed = seed };
            var key = DatasetFingerprint.Compute(R(a), "Api").LockKey;
            Assert.AreEqual(key, DatasetFingerprint.Compute(R(b), "Api").LockKey);
            Assert.AreNotEqual(key, DatasetFingerprint.Compute(R(a, epochs: 2), "Api").LockKey);
            Assert.AreNotEqual(key, DatasetFingerprint.Compute(R(a, suffix: "s"), "Api").LockKey);
            Assert.AreNotEqual(key, DatasetFingerprint.Compute(R(a, seed: 1), "Api").LockKey);
            Assert.AreNotEqual(key, DatasetFingerprint.Compute(R(a, model: "davinci-002"), "Api").LockKey);
            File.AppendAllText(b, "{\"prompt\":\"z\",\"completion\":\" y\"}\n");
            Assert.AreNotEqual(key, DatasetFingerprint.Compute(R(b), "Api").LockKey);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [TestMethod]
    public void SourceRevision_ReadsThisRepository()
    {
        var revision = SourceRevision.TryDetect(AppContext.BaseDirectory);
        // The tests run inside the git work tree.
        Assert.IsNotNull(revision);
        Assert.HasCount(40, revision.ToCharArray());
    }
}
