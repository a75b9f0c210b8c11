using System.CommandLine;
using FineTune.Build.Cli;

namespace FineTune.Build.Core.Tests.Cli;

/// <summary>`finetune compile` and `finetune check`: the compiler outside MSBuild, same rules and outputs.</summary>
[TestClass]
public sealed class CompileCommandsTests
{
    private static (int Exit, string Output) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var root = new RootCommand();
        CompileCommands.AddTo(root, output, error);
        var exit = root.Parse(args).Invoke();
        return (exit, output.ToString() + error);
    }

    private static string Examples(int count)
        => string.Concat(Enumerable.Range(1, count).Select(i => $"{{\"prompt\": \"Question {i}\", \"completion\": \" Answer {i}\"}}\n"));

    [TestMethod]
    public void CompileWritesTheSameJsonlAsTheBuild()
    {
        using var folder = new TempFolder();
        folder.Write("data/a.jsonl", Examples(12));
        folder.Write("data/bin/ignored.jsonl", "not json\n");
        var output = folder.File("out");

        var (exit, text) = Run("compile", folder.File("data"), "--base-model", "babbage-002", "--name", "qa", "--output", output, "--no-warn", "FT4030", "--lifecycle-date", "2026-11-25");

        Assert.AreEqual(0, exit, text);
        StringAssert.Contains(text, "qa: 12 example(s) (12 train, 0 validation), completion, generation");
        var lines = File.ReadAllLines(Path.Combine(output, "qa.train.jsonl"));
        Assert.AreEqual(12, lines.Length);
        Assert.AreEqual("{\"prompt\": \"Question 1\\n\\n###\\n\\n\", \"completion\": \" Answer 1 END\"}", lines[0]);
        Assert.IsTrue(File.Exists(Path.Combine(output, "qa.report.json")));
    }

    [TestMethod]
    public void CheckReportsLocatedErrorsAndWritesNothing()
    {
        using var folder = new TempFolder();
        var file = folder.Write("a.jsonl", Examples(11) + "{\"prompt\": \"Q\", \"completion\": \" A\", \"label\": 1}\n");

        var (exit, text) = Run("check", file, "--base-model", "babbage-002", "--mode", "Strict");

        Assert.AreEqual(1, exit, text);
        StringAssert.Contains(text, $"{file}(12,37): error FT2001: Unknown key 'label'");
        StringAssert.Contains(text, $"{file}(1,12): error FT3001:");
        Assert.AreEqual(1, Directory.GetFiles(folder.Path).Length, "check writes no output");
    }

    [TestMethod]
    public void InvalidSettingIsUsageError()
    {
        using var folder = new TempFolder();
        var file = folder.Write("a.jsonl", Examples(10));

        var (exit, text) = Run("check", file, "--mode", "Loose");

        Assert.AreEqual(2, exit, text);
        StringAssert.Contains(text, "FineTuneFormattingMode is 'Loose', which is not valid: use Append or Strict.");
    }
}
