using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using FineTune.Build.Cli;
using FineTune.Build.Diffs;

namespace FineTune.Build.Core.Tests.Diffs;

/// <summary>`finetune diff`: what a change does to a dataset, from two git revisions, two projects or two outputs.</summary>
[TestClass]
public sealed class DatasetDiffTests
{
    private const string ProjectText = """
        <Project Sdk="FineTune.Build.Sdk/1.0.0">
          <PropertyGroup>
            <FineTuneBaseModel>babbage-002</FineTuneBaseModel>
            <FineTuneLifecycleDate>2026-11-25</FineTuneLifecycleDate>
            <NoWarn>$(NoWarn);FT4021</NoWarn>
          </PropertyGroup>
        </Project>
        """;

    /// <summary>A classifier: 12 examples, "Ticket i" labelled billing or tech; ids on the first three.</summary>
    private static string Classifier(IEnumerable<int> numbers, Func<int, string>? label = null)
        => "examples:\n" + string.Concat(numbers.Select(i =>
            (i <= 3 ? $"  - id: t{i}\n    prompt: Ticket {i}\n" : $"  - prompt: Ticket {i}\n") + $"    completion: {(label ?? (n => n % 2 == 0 ? "billing" : "tech"))(i)}\n"));

    /// <summary>Head: removes 5, relabels 4 (no id) and 2 (id, and its prompt reworded), adds 13 and 14.</summary>
    private static string HeadText()
        => Classifier(Enumerable.Range(1, 14).Where(i => i != 5), i => i is 4 or 2 ? "tech" : i % 2 == 0 ? "billing" : "tech")
            .Replace("prompt: Ticket 2\n", "prompt: Ticket two\n", StringComparison.Ordinal);

    [TestMethod]
    public void Diff_OfTwoProjects_NamesEveryAddedChangedAndRemovedExample_WithItsPlace()
    {
        using var folder = new TempFolder();
        var baseProject = folder.Write("base/tickets/tickets.proj", ProjectText);
        folder.Write("base/tickets/data.yaml", Classifier(Enumerable.Range(1, 12)));
        var headProject = folder.Write("head/tickets/tickets.proj", ProjectText);
        folder.Write("head/tickets/data.yaml", HeadText());

        var diff = DatasetDiff.Compute(
            DatasetSnapshot.FromProject(baseProject, folder.File("base"), "base"),
            DatasetSnapshot.FromProject(headProject, folder.File("head"), "head"));

        CollectionAssert.AreEqual(new[] { "Ticket 13 tickets/data.yaml(27,5)", "Ticket 14 tickets/data.yaml(29,5)" }, diff.Added.Select(c => $"{c.Head!.Key} {c.Head.Where}").ToArray());
        CollectionAssert.AreEqual(new[] { "Ticket 5 tickets/data.yaml(13,5)" }, diff.Removed.Select(c => $"{c.Base!.Key} {c.Base.Where}").ToArray());
        CollectionAssert.AreEqual(new[] { "t2: Ticket 2=billing -> Ticket two=tech", ": Ticket 4=billing -> Ticket 4=tech" },
            diff.Changed.Select(c => $"{c.Head!.Id}: {c.Base!.Key}={c.Base.Value} -> {c.Head.Key}={c.Head.Value}").ToArray());
        Assert.AreEqual(9, diff.Unchanged);

        Assert.AreEqual((12, 13), (diff.Base.Figures.Examples, diff.Head.Figures.Examples));
        CollectionAssert.AreEqual(new[] { ("billing", 6, 5), ("tech", 6, 8) }, diff.Classes().ToArray());
        Assert.IsGreaterThan(diff.Base.Figures.Tokens, diff.Head.Figures.Tokens);

        var markdown = DiffMarkdownWriter.Write(diff, "https://example.test/blob/h/");
        StringAssert.Contains(markdown, "**2** added, **2** changed, **1** removed (9 unchanged)");
        StringAssert.Contains(markdown, "| Examples | 12 | 13 | +1 |");
        StringAssert.Contains(markdown, "| `tech` | 6 | 8 | +2 |");
        StringAssert.Contains(markdown, "[`tickets/data.yaml(27,5)`](https://example.test/blob/h/tickets/data.yaml#L27) `Ticket 13` → `tech`");
        StringAssert.Contains(markdown, "**t2** [`tickets/data.yaml(5,5)`](https://example.test/blob/h/tickets/data.yaml#L5) `Ticket two`: `billing` → `tech` (prompt changed too), was `Ticket 2`");
        StringAssert.Contains(markdown, "`tickets/data.yaml(13,5)` `Ticket 5` → `tech`");
    }

    [TestMethod]
    public void DiffCommand_OfTwoGitRevisions_WritesJson_AndLeavesTheWorkingTreeAlone()
    {
        using var folder = new TempFolder();
        var repo = folder.File("repo");
        var project = folder.Write("repo/tickets/tickets.proj", ProjectText);
        folder.Write("repo/tickets/data.yaml", Classifier(Enumerable.Range(1, 12)));
        Git(repo, "init", "-q", "-b", "main");
        Git(repo, "add", "-A");
        Git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "base");
        folder.Write("repo/tickets/data.yaml", HeadText());
        Git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-am", "head");
        folder.Write("repo/tickets/data.yaml", "uncommitted: true\n");

        var output = new StringWriter();
        var root = new RootCommand();
        DiffCommand.AddTo(root, output, output);
        var exit = root.Parse(["diff", "HEAD~1", "HEAD", "--project", project, "--format", "json"]).Invoke();

        Assert.AreEqual(0, exit, output.ToString());
        using var json = JsonDocument.Parse(output.ToString());
        var summary = json.RootElement.GetProperty("summary");
        Assert.AreEqual((2, 2, 1, 9), (summary.GetProperty("added").GetInt32(), summary.GetProperty("changed").GetInt32(), summary.GetProperty("removed").GetInt32(), summary.GetProperty("unchanged").GetInt32()));
        var removed = json.RootElement.GetProperty("removed")[0].GetProperty("base");
        Assert.AreEqual(("tickets/data.yaml", 13, "Ticket 5"), (removed.GetProperty("file").GetString(), removed.GetProperty("line").GetInt32(), removed.GetProperty("key").GetString()));
        Assert.AreEqual("uncommitted: true\n", File.ReadAllText(folder.File("repo/tickets/data.yaml")));
        Assert.AreEqual("", Git(repo, "worktree", "list", "--porcelain").Split('\n').Where(l => l.StartsWith("worktree ", StringComparison.Ordinal)).Skip(1).FirstOrDefault() ?? "", "the temporary checkouts are removed");
    }

    [TestMethod]
    public void DiffCommand_BadSide_IsUsageError()
    {
        using var folder = new TempFolder();
        var output = new StringWriter();
        var root = new RootCommand();
        DiffCommand.AddTo(root, output, output);

        var exit = root.Parse(["diff", folder.File("nothing-here"), folder.File("nor-here"), "--project", folder.File("none.proj")]).Invoke();

        Assert.AreEqual(2, exit);
        StringAssert.Contains(output.ToString(), "finetune diff: ");
    }

    private static string Git(string directory, params string[] arguments)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        Directory.CreateDirectory(directory);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.AreEqual(0, process.ExitCode, output);
        return output;
    }
}
