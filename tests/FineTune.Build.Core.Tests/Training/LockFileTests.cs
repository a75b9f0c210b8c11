using System.Text.Json.Nodes;
using FineTune.Build.Training;

namespace FineTune.Build.Core.Tests.Training;

[TestClass]
public sealed class TrainingLockFileTests
{
    private static LockEntry Entry(string job) => new()
    {
        BaseModel = "babbage-002",
        Method = "supervised",
        JobId = job,
        Status = "succeeded",
        FineTunedModel = "ft:babbage-002:org::" + job,
        DatasetSha256 = new string('a', 64),
        Hyperparameters = { ["epochs"] = JsonValue.Create(3), ["batchSize"] = JsonValue.Create("auto") },
        Files = { ["train"] = new LockedFile { Id = "file-1", Name = "ads.train.x.jsonl", Sha256 = "bb", Bytes = 10 } },
    };

    [TestMethod]
    public void Serialize_SortsKeys_Indents2_EndsWithNewline_AndRoundTrips()
    {
        var lockFile = LockFile.Empty();
        lockFile.Set("zeta", "k2", Entry("ftjob-2"));
        lockFile.Set("alpha", "k1", Entry("ftjob-1"));
        var text = lockFile.Serialize();

        Assert.EndsWith("}\n", text);
        Assert.DoesNotContain("\r", text);
        Assert.IsLessThan(text.IndexOf("\"zeta\"", StringComparison.Ordinal), text.IndexOf("\"alpha\"", StringComparison.Ordinal));
        Assert.IsLessThan(text.IndexOf("\"version\"", StringComparison.Ordinal), text.IndexOf("\"datasets\"", StringComparison.Ordinal));
        StringAssert.Contains(text, "\n  \"datasets\": {\n    \"alpha\": {");
        Assert.AreEqual(text, LockFile.Parse(text).Serialize());
        Assert.AreEqual("ftjob-1", LockFile.Parse(text).Current("alpha")!.JobId);
    }

    [TestMethod]
    public void Set_KeepsHistory_AndUnknownProperties()
    {
        var text = """
        {
          "datasets": {
            "ads": {
              "current": "old",
              "entries": {
                "old": { "jobId": "ftjob-old", "status": "succeeded", "reviewedBy": "ana" }
              }
            }
          },
          "version": 1
        }
        """;
        var lockFile = LockFile.Parse(text);
        var old = lockFile.Find("ads", "old")!;
        lockFile.Set("ads", "old", old);
        lockFile.Set("ads", "new", Entry("ftjob-new"));
        var reparsed = LockFile.Parse(lockFile.Serialize());
        Assert.AreEqual("new", reparsed.CurrentKey("ads"));
        Assert.HasCount(2, reparsed.Entries("ads").ToList());
        StringAssert.Contains(lockFile.Serialize(), "\"reviewedBy\": \"ana\"");
    }

    [TestMethod]
    public void Parse_ReportsAMergeConflictAsFT7008WithItsLine()
    {
        var text = "{\n  \"datasets\": {\n<<<<<<< HEAD\n  }\n}\n";
        var e = Assert.ThrowsExactly<TrainingException>(() => LockFile.Parse(text, "/p/finetune.lock.json"));
        Assert.AreEqual("FT7008", e.Code);
        Assert.AreEqual(3, e.Location!.Line);
    }

    [TestMethod]
    public void Save_IsAtomic_AndWritesOnlyWhenChanged()
    {
        var dir = Path.Combine(Path.GetTempPath(), "ft-lock-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            var path = Path.Combine(dir, "finetune.lock.json");
            var lockFile = LockFile.Empty();
            lockFile.Set("ads", "k", Entry("ftjob-1"));
            Assert.IsTrue(lockFile.Save(path));
            var written = File.GetLastWriteTimeUtc(path);
            Assert.IsFalse(LockFile.Load(path).Save(path));
            Assert.AreEqual(written, File.GetLastWriteTimeUtc(path));
            Assert.HasCount(1, Directory.GetFiles(dir), "no temp file is left behind");
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
