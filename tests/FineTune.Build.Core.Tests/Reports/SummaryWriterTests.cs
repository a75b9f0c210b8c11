using System.Text.Json;
using FineTune.Build.Compilation;
using FineTune.Build.Core.Tests.Compilation;
using FineTune.Build.Diagnostics;
using FineTune.Build.Sources;

namespace FineTune.Build.Core.Tests.Reports;

/// <summary>&lt;name&gt;.summary.md, and the HTML report's order and counts.</summary>
[TestClass]
public sealed class SummaryWriterTests
{
    [TestMethod]
    public void Summary_IsWrittenBesideTheReports_WithFiguresAndLinkedFindings()
    {
        using var folder = new TempFolder();
        Directory.CreateDirectory(folder.File("repo/.git"));
        var yaml = CompileHarness.GenerationYaml(11) + "- prompt: Question 2\n  completion: Answer number 2\n- prompt: Question 99\n  completion: Answer 99\n  colour: red\n";
        var source = new SourceFile(folder.Write("repo/proj/data/ads.yaml", yaml));
        var run = CompileHarness.Compile(folder, [source], new CompileSetup { ProjectFolder = "repo/proj", WriteReports = true, Policy = new DiagnosticPolicy(noWarn: "FT3006") });

        var summary = File.ReadAllText(run.Compiler.OutputPath("summary.md"));

        StringAssert.StartsWith(summary, ":x: ".Insert(0, "### ") + "ads failed: 1 error(s)\n");
        StringAssert.Contains(summary, "| Base model | `babbage-002` |");
        StringAssert.Contains(summary, "| Errors · warnings | 1 · 2 |");
        StringAssert.Contains(summary, "| Estimated cost | $");
        var findings = summary[summary.IndexOf("#### Findings", StringComparison.Ordinal)..].Split('\n').Where(l => l.StartsWith("| :", StringComparison.Ordinal)).ToList();
        Assert.HasCount(3, findings);
        StringAssert.StartsWith(findings[0], "| :x: | [FT2001](" + DiagnosticCodes.UnknownKey.HelpLink + ") | [`proj/data/ads.yaml(27,3)`](proj/data/ads.yaml#L27) |");
        StringAssert.Contains(findings[1], "[`proj/ads.ftproj`](proj/ads.ftproj)");
        StringAssert.Contains(findings[2], "[`proj/data/ads.yaml(23,3)`](proj/data/ads.yaml#L23)");
    }

    [TestMethod]
    public void Html_ListsErrorsFirst_ThenByFileAndLine_AndFitsAPhone()
    {
        using var folder = new TempFolder();
        var yaml = "- prompt: Question 2\n  completion: Answer number 2\n" + CompileHarness.GenerationYaml(11) + "- prompt: Question 99\n  completion: Answer 99\n  colour: red\n";
        var run = CompileHarness.Compile(folder, "ads.yaml", yaml, new CompileSetup { WriteReports = true, Policy = new DiagnosticPolicy(noWarn: "FT3006") });

        var html = File.ReadAllText(run.Compiler.OutputPath("report.html"));
        var order = new[] { "FT2001", "FT4030", "FT6001" }.Select(code => html.IndexOf("<td><code>" + code, StringComparison.Ordinal)).ToArray();

        Assert.IsTrue(order.All(i => i > 0) && order[0] < order[1] && order[1] < order[2], string.Join(",", order));
        StringAssert.Contains(html, "@media (max-width: 600px)");
        StringAssert.Contains(html, "<div class=\"scroll\"><table>");
    }

    [TestMethod]
    public void PerSourceCounts_AgreeWithTheTotals_PastTheCap()
    {
        using var folder = new TempFolder();
        var lines = string.Concat(Enumerable.Range(1, 40).Select(i => $"{{\"prompt\": \"q{i}\", \"completion\": \" a{i}\", \"x\": {i}}}\n"));
        var source = new SourceFile(folder.Write("bad.jsonl", lines));
        var diagnostics = new DiagnosticCollector(maxReported: 5, maxKept: 10);
        var compiler = new DatasetCompiler(new CompileOptions
        {
            Sources = [source],
            OutputDirectory = folder.File("bin"),
            DatasetName = "bad",
            BaseModel = "babbage-002",
            Today = new DateOnly(2026, 11, 25),
            ProjectDirectory = folder.Path,
        }, diagnostics);

        compiler.Compile();

        Assert.HasCount(10, diagnostics.Diagnostics);
        using var json = JsonDocument.Parse(File.ReadAllBytes(compiler.OutputPath("report.json")));
        Assert.AreEqual(40, json.RootElement.GetProperty("counts").GetProperty("errors").GetInt32());
        Assert.AreEqual(40, json.RootElement.GetProperty("sources")[0].GetProperty("errors").GetInt32());
        var html = File.ReadAllText(compiler.OutputPath("report.html"));
        StringAssert.Contains(html, "<td class=\"n err\">40</td>");
        StringAssert.Contains(html, "30 more not listed.");
    }
}
