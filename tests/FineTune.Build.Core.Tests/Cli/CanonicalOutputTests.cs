using System.CommandLine;
using System.Text.RegularExpressions;
using FineTune.Build.Cli;

namespace FineTune.Build.Core.Tests.Cli;

/// <summary>`finetune check` prints what the actions/setup-dotnet problem matcher reads, project findings included.</summary>
[TestClass]
public sealed class CanonicalOutputTests
{
    /// <summary>The regular expression of actions/setup-dotnet's csc problem matcher.</summary>
    private static readonly Regex Matcher = new(@"^(?:\s+\d+\>)?([^\s].*)\((\d+|\d+,\d+|\d+,\d+,\d+,\d+)\)\s*:\s+(error|warning)\s+(\w+\d+)\s*:\s*(.*)$");

    private static (int Exit, string[] Lines) Run(params string[] args)
    {
        var output = new StringWriter();
        var root = new RootCommand();
        CompileCommands.AddTo(root, output, output);
        var exit = root.Parse(args).Invoke();
        return (exit, output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [TestMethod]
    public void Check_EveryFinding_MatchesTheProblemMatcher_WithTheProjectSuffix()
    {
        using var folder = new TempFolder();
        var project = folder.Write("few/few.proj", "<Project Sdk=\"FineTune.Build.Sdk/1.0.0\">\n  <PropertyGroup>\n    <FineTuneBaseModel>babbage-002</FineTuneBaseModel>\n  </PropertyGroup>\n</Project>\n");
        folder.Write("few/data.jsonl", "{\"prompt\": \"a\", \"completion\": \" b\"}\n{\"prompt\": \"c\", \"completion\": \" d\", \"x\": 1}\n");

        var (exit, lines) = Run("check", folder.File("few"), "--base-model", "babbage-002", "--lifecycle-date", "2026-11-25");

        Assert.AreEqual(1, exit);
        var findings = lines.Where(l => l.Contains(": error ", StringComparison.Ordinal) || l.Contains(": warning ", StringComparison.Ordinal)).ToList();
        Assert.IsGreaterThanOrEqualTo(2, findings.Count, string.Join("\n", lines));
        foreach (var line in findings)
        {
            Assert.IsTrue(Matcher.IsMatch(line), line);
            StringAssert.EndsWith(line, $" [{project}]");
        }

        var few = findings.Single(l => l.Contains("FT4030", StringComparison.Ordinal));
        StringAssert.StartsWith(few, $"{project}(1,1): warning FT4030: ");
        Assert.IsTrue(findings.Any(l => l.StartsWith(folder.File("few/data.jsonl") + "(2,", StringComparison.Ordinal) && l.Contains("FT2001", StringComparison.Ordinal)), string.Join("\n", findings));
    }

    [TestMethod]
    public void Check_ModelFinding_PointsAtFineTuneBaseModel_OfTheProject()
    {
        using var folder = new TempFolder();
        var project = folder.Write("old/old.proj", "<Project Sdk=\"FineTune.Build.Sdk/1.0.0\">\n  <PropertyGroup>\n    <FineTuneBaseModel>not-a-model</FineTuneBaseModel>\n  </PropertyGroup>\n</Project>\n");
        folder.Write("old/data.jsonl", string.Concat(Enumerable.Range(1, 12).Select(i => $"{{\"prompt\": \"q{i}\", \"completion\": \" a{i}\"}}\n")));

        var (_, lines) = Run("check", folder.File("old"), "--base-model", "not-a-model", "--project", project, "--lifecycle-date", "2026-11-25");

        var unknown = lines.Single(l => l.Contains("FT4001", StringComparison.Ordinal));
        StringAssert.StartsWith(unknown, $"{project}(3,5): warning FT4001: ");
    }
}
