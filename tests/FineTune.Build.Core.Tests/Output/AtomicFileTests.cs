using FineTune.Build.Output;

namespace FineTune.Build.Core.Tests.Output;

[TestClass]
public sealed class AtomicFileTests
{
    [TestMethod]
    public void Commit_ReplacesTheDestination_LeavesNoTemp()
    {
        using var folder = new TempFolder();
        var path = folder.Write("out/a.jsonl", "old");
        using (var file = new AtomicFile(path))
        {
            file.Stream.Write("new"u8);
            Assert.AreEqual("old", File.ReadAllText(path));
            file.Commit();
        }

        Assert.AreEqual("new", File.ReadAllText(path));
        Assert.AreEqual("a.jsonl", string.Join(",", Directory.GetFiles(Path.GetDirectoryName(path)!).Select(Path.GetFileName)));
    }

    [TestMethod]
    public void DisposeWithoutCommit_KeepsTheOldFile_DeletesTheTemp()
    {
        using var folder = new TempFolder();
        var path = folder.Write("a.jsonl", "old");
        using (var file = new AtomicFile(path))
        {
            file.Stream.Write("half"u8);
        }

        Assert.AreEqual("old", File.ReadAllText(path));
        Assert.AreEqual("a.jsonl", string.Join(",", Directory.GetFiles(folder.Path).Select(Path.GetFileName)));
    }

    [TestMethod]
    public void WriteAllBytes_CreatesMissingFolders()
    {
        using var folder = new TempFolder();
        var path = folder.File("x/y/z.bin");
        AtomicFile.WriteAllBytes(path, [1, 2, 3]);

        CollectionAssert.AreEqual(new byte[] { 1, 2, 3 }, File.ReadAllBytes(path));
    }
}
