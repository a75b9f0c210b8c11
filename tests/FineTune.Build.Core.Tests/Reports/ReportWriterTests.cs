using System.Text.Json;
using System.Text.RegularExpressions;
using FineTune.Build.Core.Tests.Compilation;
using FineTune.Build.Diagnostics;
using FineTune.Build.Reports;
using FineTune.Build.Sources;

namespace FineTune.Build.Core.Tests.Reports;

[TestClass]
public sealed class ReportWriterTests
{
    /// <summary>
    /// A small compile in &lt;temp&gt;/repo/proj with a .git folder at &lt;temp&gt;/repo, the source in proj/data/ads.yaml,
    /// one duplicate (FT6001) and the generation size warning (FT4030), reports written.
    /// </summary>
    private static CompileHarness.Run CompileWithReports(TempFolder folder, DiagnosticPolicy? policy = null)
    {
        Directory.CreateDirectory(folder.File("repo/.git"));
        var yaml = CompileHarness.GenerationYaml(11) + "- prompt: Question 2\n  completion: Answer number 2\n";
        var source = new SourceFile(folder.Write("repo/proj/data/ads.yaml", yaml));
        return CompileHarness.Compile(folder, [source], new CompileSetup
        {
            ProjectFolder = "repo/proj",
            WriteReports = true,
            Policy = policy ?? new DiagnosticPolicy(noWarn: "FT3006"),
        });
    }

    private static JsonElement ReadJson(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(path));
        return document.RootElement.Clone();
    }

    private static string[] Names(JsonElement element) => element.EnumerateObject().Select(p => p.Name).ToArray();

    // report.json

    [TestMethod]
    public void JsonReport_HasTheDocumentedProperties_InOrder()
    {
        using var folder = new TempFolder();
        var run = CompileWithReports(folder);
        Assert.AreEqual("FT6001(23,3) FT4030(0,0)", run.Codes);
        var json = ReadJson(run.Compiler.OutputPath("report.json"));

        CollectionAssert.AreEqual(
            new[] { "schemaVersion", "tool", "dataset", "succeeded", "model", "format", "task", "split", "counts", "tokens", "cost", "classes", "sources", "outputs", "diagnostics", "diagnosticsNotShown", "waivedSecrets" },
            Names(json));
        Assert.AreEqual(1, json.GetProperty("schemaVersion").GetInt32());
        StringAssert.StartsWith(json.GetProperty("tool").GetString(), "FineTune.Build ");
        Assert.AreEqual("ads", json.GetProperty("dataset").GetString());
        Assert.IsTrue(json.GetProperty("succeeded").GetBoolean());

        var model = json.GetProperty("model");
        CollectionAssert.AreEqual(new[] { "baseModel", "catalogEntry", "known", "tokenizer", "maxExampleTokens" }, Names(model));
        Assert.AreEqual("babbage-002", model.GetProperty("baseModel").GetString());
        Assert.IsTrue(model.GetProperty("known").GetBoolean());
        Assert.AreEqual("cl100k_base", model.GetProperty("tokenizer").GetString());
        Assert.AreEqual(16384, model.GetProperty("maxExampleTokens").GetInt32());
        Assert.AreEqual(("completion", "generation"), (json.GetProperty("format").GetString(), json.GetProperty("task").GetString()));
        CollectionAssert.AreEqual(new[] { "validationFraction", "seed" }, Names(json.GetProperty("split")));

        var counts = json.GetProperty("counts");
        CollectionAssert.AreEqual(new[] { "examples", "train", "validation", "classes", "errors", "warnings" }, Names(counts));
        Assert.AreEqual((12, 12, 0, 0, 0, 2), (counts.GetProperty("examples").GetInt32(), counts.GetProperty("train").GetInt32(), counts.GetProperty("validation").GetInt32(), counts.GetProperty("classes").GetInt32(), counts.GetProperty("errors").GetInt32(), counts.GetProperty("warnings").GetInt32()));

        var tokens = json.GetProperty("tokens");
        CollectionAssert.AreEqual(new[] { "total", "train", "validation", "min", "max", "mean", "histogram" }, Names(tokens));
        var report = run.Result.Report!;
        Assert.AreEqual(report.TrainTokens.Total, tokens.GetProperty("total").GetInt64());
        var buckets = tokens.GetProperty("histogram").EnumerateArray().ToList();
        Assert.AreEqual(12, buckets.Sum(b => b.GetProperty("count").GetInt64()));
        foreach (var bucket in buckets)
        {
            CollectionAssert.AreEqual(new[] { "from", "to", "count" }, Names(bucket));
            Assert.IsLessThan(bucket.GetProperty("to").GetInt64(), bucket.GetProperty("from").GetInt64());
        }

        var cost = json.GetProperty("cost");
        CollectionAssert.AreEqual(new[] { "epochs", "epochsSource", "billedTokens", "pricePerMillionTokens", "estimatedUsd" }, Names(cost));
        Assert.AreEqual(8, cost.GetProperty("epochs").GetInt32());
        Assert.AreEqual(report.BilledTokens, cost.GetProperty("billedTokens").GetInt64());
        Assert.AreEqual(0.40m, cost.GetProperty("pricePerMillionTokens").GetDecimal());
        Assert.AreEqual(0, json.GetProperty("classes").GetArrayLength());
    }

    [TestMethod]
    public void JsonReport_PathsAreRelativeToTheProject_WithForwardSlashes()
    {
        using var folder = new TempFolder();
        var run = CompileWithReports(folder);
        var json = ReadJson(run.Compiler.OutputPath("report.json"));

        var source = json.GetProperty("sources")[0];
        CollectionAssert.AreEqual(new[] { "path", "examples", "train", "validation", "tokens", "errors", "warnings" }, Names(source));
        Assert.AreEqual("data/ads.yaml", source.GetProperty("path").GetString());
        Assert.AreEqual((12, 0, 1), (source.GetProperty("examples").GetInt32(), source.GetProperty("errors").GetInt32(), source.GetProperty("warnings").GetInt32()));

        var output = json.GetProperty("outputs")[0];
        CollectionAssert.AreEqual(new[] { "kind", "path", "examples", "tokens", "bytes", "sha256" }, Names(output));
        Assert.AreEqual(("train", "bin/ads.train.jsonl"), (output.GetProperty("kind").GetString(), output.GetProperty("path").GetString()));
        var bytes = File.ReadAllBytes(run.Result.TrainPath);
        Assert.AreEqual(bytes.Length, output.GetProperty("bytes").GetInt64());
        Assert.AreEqual(Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(bytes)).ToLowerInvariant(), output.GetProperty("sha256").GetString());

        var diagnostics = json.GetProperty("diagnostics").EnumerateArray().ToList();
        Assert.HasCount(2, diagnostics);
        CollectionAssert.AreEqual(new[] { "code", "severity", "file", "line", "column", "message" }, Names(diagnostics[0]));
        Assert.AreEqual(("FT6001", "warning", "data/ads.yaml", 23, 3), (diagnostics[0].GetProperty("code").GetString(), diagnostics[0].GetProperty("severity").GetString(), diagnostics[0].GetProperty("file").GetString(), diagnostics[0].GetProperty("line").GetInt32(), diagnostics[0].GetProperty("column").GetInt32()));
        Assert.AreEqual(("FT4030", "ads.ftproj", 0), (diagnostics[1].GetProperty("code").GetString(), diagnostics[1].GetProperty("file").GetString(), diagnostics[1].GetProperty("line").GetInt32()));
        Assert.DoesNotContain(folder.Path, File.ReadAllText(run.Compiler.OutputPath("report.json")));
    }

    [TestMethod]
    public void Reports_AreByteIdentical_ForIdenticalCompiles_EvenInAnotherFolder()
    {
        using var first = new TempFolder();
        using var second = new TempFolder();
        var a = CompileWithReports(first);
        var again = CompileWithReports(first);
        var b = CompileWithReports(second);

        foreach (var suffix in new[] { "report.json", "report.html", "sarif" })
        {
            var bytes = File.ReadAllBytes(a.Compiler.OutputPath(suffix));
            CollectionAssert.AreEqual(bytes, File.ReadAllBytes(again.Compiler.OutputPath(suffix)), suffix + " (same folder)");
            CollectionAssert.AreEqual(bytes, File.ReadAllBytes(b.Compiler.OutputPath(suffix)), suffix + " (another folder)");
        }
    }

    [TestMethod]
    public void JsonReport_IsWritten_AlsoForAFailedCompile()
    {
        using var folder = new TempFolder();
        var run = CompileHarness.Compile(folder, "a.yaml", "- prompt: q\n  completion: a\n  label: x\n", new CompileSetup { WriteReports = true });
        var json = ReadJson(run.Compiler.OutputPath("report.json"));
        Assert.IsFalse(json.GetProperty("succeeded").GetBoolean());
        Assert.AreEqual(0, json.GetProperty("outputs").GetArrayLength());
        Assert.AreEqual("FT2001", json.GetProperty("diagnostics")[0].GetProperty("code").GetString());
        Assert.IsFalse(File.Exists(run.Result.TrainPath));
    }

    // TokenStatistics

    [TestMethod]
    public void Buckets_AreConsistent_ForEveryCountUpTo100000()
    {
        for (var v = 0; v <= 100_000; v++)
        {
            var b = TokenStatistics.BucketOf(v);
            Assert.IsTrue(b >= 0 && b < TokenStatistics.BucketCount, $"bucket of {v}");
            if (TokenStatistics.BucketStart(b) > v || v >= TokenStatistics.BucketStart(b + 1))
            {
                Assert.Fail($"{v} is in bucket {b} = [{TokenStatistics.BucketStart(b)}, {TokenStatistics.BucketStart(b + 1)})");
            }
        }

        Assert.AreEqual(16, TokenStatistics.BucketStart(16));
        Assert.AreEqual(18, TokenStatistics.BucketStart(17));
        Assert.AreEqual(1024, TokenStatistics.BucketStart(TokenStatistics.BucketOf(1024)));
        Assert.AreEqual(1152, TokenStatistics.BucketStart(TokenStatistics.BucketOf(1024) + 1));
        Assert.AreEqual(TokenStatistics.BucketCount - 1, TokenStatistics.BucketOf(int.MaxValue));
    }

    [TestMethod]
    public void Combine_AddsEverything()
    {
        var a = new TokenStatistics();
        foreach (var v in new[] { 5, 17, 300 })
        {
            a.Add(v);
        }

        var b = new TokenStatistics();
        foreach (var v in new[] { 2, 17, 70000 })
        {
            b.Add(v);
        }

        var all = TokenStatistics.Combine(a, b);
        Assert.AreEqual((6, 5 + 17 + 300 + 2 + 17 + 70000L, 2, 70000), (all.Examples, all.Total, all.Min, all.Max));
        Assert.AreEqual(2, all.Histogram[TokenStatistics.BucketOf(17)]);
        Assert.AreEqual(6, all.Histogram.Sum());
        for (var i = 0; i < all.Histogram.Length; i++)
        {
            Assert.AreEqual(a.Histogram[i] + b.Histogram[i], all.Histogram[i]);
        }

        var empty = new TokenStatistics();
        Assert.AreEqual((3, 5, 300), (TokenStatistics.Combine(a, empty).Examples, TokenStatistics.Combine(a, empty).Min, TokenStatistics.Combine(a, empty).Max));
        Assert.AreEqual((3, 2, 70000), (TokenStatistics.Combine(empty, b).Examples, TokenStatistics.Combine(empty, b).Min, TokenStatistics.Combine(empty, b).Max));
        Assert.AreEqual(all.Total / 6.0, all.Mean);
    }

    // SARIF

    [TestMethod]
    public void Sarif_Is210_WithRulesAndResults_RelativeToTheRepositoryRoot()
    {
        using var folder = new TempFolder();
        var run = CompileWithReports(folder, new DiagnosticPolicy(noWarn: "FT3006", warningsAsErrors: "FT6001"));
        Assert.AreEqual("FT6001(23,3) FT4030(0,0)", run.Codes);
        var sarif = ReadJson(run.Compiler.OutputPath("sarif"));

        Assert.AreEqual("2.1.0", sarif.GetProperty("version").GetString());
        var runs = sarif.GetProperty("runs");
        Assert.AreEqual(1, runs.GetArrayLength());
        var driver = runs[0].GetProperty("tool").GetProperty("driver");
        Assert.AreEqual("FineTune.Build", driver.GetProperty("name").GetString());
        var rules = driver.GetProperty("rules").EnumerateArray().ToList();
        CollectionAssert.AreEqual(new[] { "FT4030", "FT6001" }, rules.Select(r => r.GetProperty("id").GetString()).ToArray());
        Assert.AreEqual("warning", rules[1].GetProperty("defaultConfiguration").GetProperty("level").GetString());
        StringAssert.Contains(rules[1].GetProperty("help").GetProperty("text").GetString(), "docs/rules.md#ft6001");
        Assert.AreEqual(DiagnosticCodes.DuplicateExample.HelpLink, rules[1].GetProperty("helpUri").GetString());
        StringAssert.EndsWith(rules[1].GetProperty("helpUri").GetString(), "/docs/rules.md#ft6001");
        Assert.AreEqual("An exact duplicate of an earlier example", rules[1].GetProperty("fullDescription").GetProperty("text").GetString());

        var results = runs[0].GetProperty("results").EnumerateArray().ToList();
        Assert.HasCount(2, results);
        var duplicate = results[0];
        Assert.AreEqual(("FT6001", 1, "error"), (duplicate.GetProperty("ruleId").GetString(), duplicate.GetProperty("ruleIndex").GetInt32(), duplicate.GetProperty("level").GetString()));
        StringAssert.Contains(duplicate.GetProperty("message").GetProperty("text").GetString(), "ads.yaml(3,3)");
        var location = duplicate.GetProperty("locations")[0].GetProperty("physicalLocation");
        Assert.AreEqual("proj/data/ads.yaml", location.GetProperty("artifactLocation").GetProperty("uri").GetString());
        Assert.AreEqual("%SRCROOT%", location.GetProperty("artifactLocation").GetProperty("uriBaseId").GetString());
        Assert.AreEqual((23, 3), (location.GetProperty("region").GetProperty("startLine").GetInt32(), location.GetProperty("region").GetProperty("startColumn").GetInt32()));

        var project = results[1];
        Assert.AreEqual(("FT4030", 0, "warning"), (project.GetProperty("ruleId").GetString(), project.GetProperty("ruleIndex").GetInt32(), project.GetProperty("level").GetString()));
        var projectLocation = project.GetProperty("locations")[0].GetProperty("physicalLocation");
        Assert.AreEqual("proj/ads.ftproj", projectLocation.GetProperty("artifactLocation").GetProperty("uri").GetString());
        Assert.AreEqual((1, 1), (projectLocation.GetProperty("region").GetProperty("startLine").GetInt32(), projectLocation.GetProperty("region").GetProperty("startColumn").GetInt32()), "a finding without a line is on the first line");

        // What code scanning needs: informationUri, the %SRCROOT% base, and a fingerprint per result.
        Assert.AreEqual(SarifWriter.InformationUri, driver.GetProperty("informationUri").GetString());
        var srcRoot = runs[0].GetProperty("originalUriBaseIds").GetProperty("%SRCROOT%");
        StringAssert.Contains(srcRoot.GetProperty("description").GetProperty("text").GetString(), "repository root");
        Assert.IsFalse(srcRoot.TryGetProperty("uri", out _), "no machine path: the SARIF is byte-identical in any checkout");
        var fingerprints = results.Select(r => r.GetProperty("partialFingerprints").GetProperty("primaryLocationLineHash/v1").GetString()).ToList();
        Assert.AreEqual(2, fingerprints.Distinct().Count());
    }

    [TestMethod]
    public void Sarif_Fingerprints_SurviveMovingTheExample_AndTellRepeatsApart()
    {
        var occurrences = new Dictionary<string, int>();
        var first = SarifWriter.Fingerprint("FT6001", "a.yaml", "duplicate of a.yaml(3,3)", occurrences);
        var repeat = SarifWriter.Fingerprint("FT6001", "a.yaml", "duplicate of a.yaml(3,3)", occurrences);
        var again = SarifWriter.Fingerprint("FT6001", "a.yaml", "duplicate of a.yaml(3,3)", []);

        Assert.AreNotEqual(first, repeat);
        Assert.AreEqual(first, again, "the same finding in another build (any line) has the same fingerprint");
        StringAssert.EndsWith(repeat, ":2");
    }

    [TestMethod]
    public void Sarif_WithoutARepository_IsRelativeToTheProjectFolder_AndEscapesSpaces()
    {
        using var folder = new TempFolder();
        var yaml = CompileHarness.GenerationYaml(10) + "- prompt: Question 2\n  completion: Answer number 2\n";
        var source = new SourceFile(folder.Write("my data/ads.yaml", yaml));
        var run = CompileHarness.Compile(folder, [source], new CompileSetup { WriteReports = true, Policy = new DiagnosticPolicy(noWarn: "FT3006;FT4030") });
        Assert.AreEqual("FT6001(21,3)", run.Codes);

        // The temp folder is not inside a git repository (unless the machine's temp is), so URIs are project-relative.
        if (SarifWriter.RepositoryRoot(folder.Path) == folder.Path)
        {
            var sarif = ReadJson(run.Compiler.OutputPath("sarif"));
            var uri = sarif.GetProperty("runs")[0].GetProperty("results")[0].GetProperty("locations")[0].GetProperty("physicalLocation").GetProperty("artifactLocation").GetProperty("uri").GetString();
            Assert.AreEqual("my%20data/ads.yaml", uri);
        }
    }

    [TestMethod]
    public void RepositoryRoot_IsTheNearestFolderWithGit()
    {
        using var folder = new TempFolder();
        Directory.CreateDirectory(folder.File("outer/.git"));
        Directory.CreateDirectory(folder.File("outer/inner/.git"));
        Directory.CreateDirectory(folder.File("outer/inner/proj/sub"));
        folder.Write("outer/worktree/.git", "gitdir: /elsewhere\n");
        Directory.CreateDirectory(folder.File("outer/worktree/proj"));

        Assert.AreEqual(folder.File("outer/inner"), SarifWriter.RepositoryRoot(folder.File("outer/inner/proj/sub")));
        Assert.AreEqual(folder.File("outer/worktree"), SarifWriter.RepositoryRoot(folder.File("outer/worktree/proj")));
    }

    // HTML

    private static DatasetReport HandMadeReport()
    {
        var report = new DatasetReport
        {
            Dataset = "ads",
            BaseModel = "babbage-002",
            ModelEntry = "babbage-002",
            ModelKnown = true,
            Format = "completion",
            Task = "classification",
            Tokenizer = "cl100k_base",
            MaxExampleTokens = 16384,
            ValidationFraction = 0.2,
            BaseDirectory = "/repo/proj",
            Succeeded = false,
            ErrorCount = 1,
            Epochs = 3,
            BilledTokens = 300,
            PricePerMillionTokens = 0.40m,
        };
        foreach (var tokens in new[] { 3, 8, 40, 41, 900 })
        {
            report.TrainTokens.Add(tokens);
        }

        report.ValidationTokens.Add(12);
        report.Classes.Add("<b>&", new ClassStatistics { Train = 4, Validation = 1, Tokens = 3 });
        report.Classes.Add("yes", new ClassStatistics { Train = 1, Tokens = 1 });
        report.Sources.Add(new SourceStatistics { Path = "data/<ads>.yaml", Examples = 6, Train = 5, Validation = 1, Tokens = 1004, Errors = 1 });
        report.Diagnostics = [new Diagnostic("FT6003", DiagnosticSeverity.Error, "/repo/proj/data/<ads>.yaml", 3, 5, "The text contains <|endoftext|> & <script>alert(1)</script>")];
        return report;
    }

    [TestMethod]
    public void Html_IsOneSelfContainedPage()
    {
        var html = HtmlReportWriter.Write(HandMadeReport());

        StringAssert.StartsWith(html, "<!DOCTYPE html>");
        Assert.AreEqual(1, Regex.Count(html, "<html[ >]"));
        Assert.AreEqual(1, Regex.Count(html, "</html>"));
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.IsFalse(Regex.IsMatch(html, @"\s(src|href)\s*=", RegexOptions.IgnoreCase), "no external resources");
        Assert.IsFalse(Regex.IsMatch(html, @"url\(|@import|<link|<iframe|<img", RegexOptions.IgnoreCase), "nothing fetched");
    }

    [TestMethod]
    public void Html_EscapesLabelsMessagesAndPaths()
    {
        var html = HtmlReportWriter.Write(HandMadeReport());

        StringAssert.Contains(html, "&lt;b&gt;&amp;");
        Assert.DoesNotContain("<b>&", html);
        StringAssert.Contains(html, "&lt;|endoftext|&gt; &amp; &lt;script&gt;alert(1)&lt;/script&gt;");
        StringAssert.Contains(html, "data/&lt;ads&gt;.yaml");
        Assert.DoesNotContain("<ads>", html);
    }

    [TestMethod]
    public void Html_HasTheHistogram_AndClassBars_ForClassification()
    {
        var html = HtmlReportWriter.Write(HandMadeReport());

        StringAssert.Contains(html, "<svg class=\"chart\" viewBox=\"0 0 720 230\" role=\"img\" aria-label=\"Token length histogram\">");
        StringAssert.Contains(html, "aria-label=\"Class balance\"");
        Assert.AreEqual(2, Regex.Count(html, "<svg"));
        Assert.AreEqual(Regex.Count(html, "<svg"), Regex.Count(html, "</svg>"));
        StringAssert.Contains(html, "5 (under 100) · multi-token");
        StringAssert.Contains(html, "$0.00");
    }

    [TestMethod]
    public void Html_ForGeneration_HasNoClassBars()
    {
        using var folder = new TempFolder();
        var run = CompileWithReports(folder);
        var html = File.ReadAllText(run.Compiler.OutputPath("report.html"));

        StringAssert.Contains(html, "aria-label=\"Token length histogram\"");
        Assert.DoesNotContain("Class balance", html);
        StringAssert.Contains(html, "<code>data/ads.yaml</code>");
        StringAssert.Contains(html, "FT6001");
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
    }
}
