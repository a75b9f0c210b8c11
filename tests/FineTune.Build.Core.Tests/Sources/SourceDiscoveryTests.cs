using FineTune.Build.Sources;

namespace FineTune.Build.Core.Tests.Sources;

[TestClass]
public sealed class SourceDiscoveryTests
{
    [TestMethod]
    public void SymbolicLinkLoop_ListsEachFileOnce()
    {
        using var folder = new TempFolder();
        folder.Write("a.jsonl", "{}\n");
        folder.Write("sub/b.yaml", "examples: []\n");
        Directory.CreateSymbolicLink(folder.File("sub/loop"), folder.Path);
        Directory.CreateSymbolicLink(folder.File("again"), folder.File("sub"));
        Directory.CreateSymbolicLink(folder.File("sub/broken"), folder.File("missing"));

        var found = SourceDiscovery.Find(folder.Path).Select(f => Path.GetRelativePath(folder.Path, f).Replace('\\', '/')).ToList();

        // "again" (a link to sub) comes first in enumeration order or not; either way b.yaml is listed once.
        Assert.AreEqual(1, found.Count(f => f == "a.jsonl"), string.Join(", ", found));
        Assert.AreEqual(1, found.Count(f => f.EndsWith("b.yaml", StringComparison.Ordinal)), string.Join(", ", found));
        Assert.HasCount(2, found);
    }
}
