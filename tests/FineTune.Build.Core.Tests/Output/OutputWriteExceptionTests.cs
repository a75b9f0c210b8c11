using FineTune.Build.Output;

namespace FineTune.Build.Core.Tests.Output;

/// <summary>An output that cannot be written is an <see cref="OutputWriteException"/> naming the output (FT0006),
/// not a bare IOException that the task would report as a bug (FT0004).</summary>
[TestClass]
public sealed class OutputWriteExceptionTests
{
    [TestMethod]
    public void OutputFolderThatIsAFile_NamesTheOutput_AndLeavesNothingBehind()
    {
        using var folder = new TempFolder();
        var blocker = folder.Write("bin", "I am a file, not a folder\n");
        var output = Path.Combine(blocker, "Debug", "ads.train.jsonl");

        var e = Assert.ThrowsExactly<OutputWriteException>(() => AtomicFile.WriteAllBytes(output, "{}\n"u8));

        Assert.AreEqual(output, e.OutputPath);
        StringAssert.StartsWith(e.Message, $"Cannot write '{output}': ");
        Assert.IsInstanceOfType<IOException>(e.InnerException);
        Assert.AreEqual("I am a file, not a folder\n", File.ReadAllText(blocker));
    }

    [TestMethod]
    public void OutputPathThatIsAFolder_FailsOnCommit_AndRemovesTheTemporaryFile()
    {
        using var folder = new TempFolder();
        var output = folder.File("ads.train.jsonl");
        Directory.CreateDirectory(output);

        var e = Assert.ThrowsExactly<OutputWriteException>(() => AtomicFile.WriteAllBytes(output, "{}\n"u8));

        Assert.AreEqual(output, e.OutputPath);
        Assert.IsEmpty(Directory.GetFiles(folder.Path), "the temporary file is removed");
    }
}
