using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using FineTune.Build.EndToEnd.Tests.Infrastructure;
using YamlDotNet.RepresentationModel;

namespace FineTune.Build.EndToEnd.Tests;

/// <summary>
/// Gating a dataset pull request end to end: the documented GitHub Actions workflow's steps (docs/ci/github-actions.yml)
/// run locally on a sample pull request, the template's completion variant, and the HTML report in a browser.
/// </summary>
[TestClass]
public sealed class PullRequestGatingTests
{
    /// <summary>actions/setup-dotnet's problem matcher (csc.json).</summary>
    private static readonly Regex Matcher = new(@"^(?:\s+\d+\>)?([^\s].*)\((\d+|\d+,\d+|\d+,\d+,\d+,\d+)\)\s*:\s+(error|warning)\s+(\w+\d+)\s*:\s*(.*)$");

    [TestMethod]
    public void DotnetNew_WithACompletionModel_BuildsGreen()
    {
        var feed = SdkFeed.EnsurePacked();
        var hive = Path.Combine(SdkFeed.RunDirectory, "template-hive-completion");
        var workspace = Path.Combine(SdkFeed.RunDirectory, "template-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(workspace);

        // Installed from the local feed the way docs/ci.md and the README say.
        var install = DotNet.Run(workspace, ["new", "install", $"FineTune.Build.Templates::{SdkFeed.Version}", "--add-source", feed, "--debug:custom-hive", hive]);
        Assert.AreEqual(0, install.ExitCode, install.ToString());
        var create = DotNet.Run(workspace, ["new", "finetune-dataset", "-n", "X", "-o", "X", "--BaseModel", "babbage-002", "--SdkVersion", SdkFeed.Version, "--debug:custom-hive", hive]);
        Assert.AreEqual(0, create.ExitCode, create.ToString());

        var project = Path.Combine(workspace, "X");
        File.WriteAllText(Path.Combine(project, "nuget.config"), $"""
            <configuration><packageSources><clear /><add key="feed" value="{feed}" /></packageSources></configuration>
            """);
        var build = DotNet.Run(project, ["build", "-nodeReuse:false", "-p:FineTuneLifecycleDate=2026-11-25"]);

        Assert.AreEqual(0, build.ExitCode, build.ToString());
        Assert.AreEqual(0, TestProject.Diagnostics(build).Count, build.Output);
        StringAssert.Contains(build.Output, "X: 10 example(s) (10 train, 0 validation), completion, generation");
        StringAssert.StartsWith(File.ReadAllLines(Path.Combine(project, "bin", "Debug", "X.train.jsonl"))[0], "{\"prompt\": \"What does this project do?\\n\\n###\\n\\n\"");
    }

    [TestMethod]
    public void DocumentedWorkflow_OnASamplePullRequest_AnnotatesEveryFinding_AndReportsSarifSummaryAndDiff()
    {
        var feed = SdkFeed.EnsurePacked();
        var work = CopySample(feed);
        var origin = Path.Combine(SdkFeed.RunDirectory, "origin-" + Guid.NewGuid().ToString("N")[..8] + ".git");
        Run("git", SdkFeed.RunDirectory, [], "init", "-q", "--bare", "-b", "main", origin);
        Git(work, "init", "-q", "-b", "main");
        Git(work, "add", "-A");
        Git(work, "commit", "-q", "-m", "base");
        Git(work, "remote", "add", "origin", origin);
        Git(work, "push", "-q", "origin", "main");
        Git(work, "checkout", "-q", "-b", "pr");

        // The pull request: ad-support adds two rows, relabels one and removes one; marv breaks a schema, a structure
        // and a dataset rule and gets an unknown base model; product-ads breaks a formatting rule.
        var csv = File.ReadAllLines(Path.Combine(work, "ad-support", "ads.csv")).ToList();
        Assert.AreEqual("Nimbus Travel,city breaks,Weekend escapes to Europe's best cities.,yes", csv[2]);
        csv[2] = "Nimbus Travel,city breaks,Weekend escapes to Europe's best cities.,no";
        Assert.IsTrue(csv.Remove("Northwind Bikes,electric bicycles,Book your electric bicycles today and save 20%.,yes"));
        csv.Add("Quill Stationery,fountain pens,Write like you mean it with our new fountain pens.,yes");
        csv.Add("Quill Stationery,fountain pens,Fresh sourdough delivered daily.,no");
        File.WriteAllLines(Path.Combine(work, "ad-support", "ads.csv"), csv);
        File.AppendAllText(Path.Combine(work, "marv-chat", "marv.yaml"), """
              - messages:
                  - *marv
                  - {role: user, content: "What colour is the sky?"}
                  - {role: assistant, content: "Blue. Stunning discovery.", mood: sarcastic}
              - messages:
                  - *marv
                  - {role: user, content: "Is this thing on?"}
              - messages:
                  - *marv
                  - {role: user, content: "What's the capital of France?"}
                  - {role: assistant, content: "Paris, as if everyone doesn't know that already."}

            """);
        var marvProject = Path.Combine(work, "marv-chat", "marv.proj");
        File.WriteAllText(marvProject, File.ReadAllText(marvProject).Replace("gpt-4.1-mini-2025-04-14", "gpt-4.1-mini-unreleased", StringComparison.Ordinal));
        var ads = Path.Combine(work, "product-ads", "product-ads.yaml");
        var lines = File.ReadAllLines(ads).ToList();
        lines.InsertRange(lines.FindIndex(l => l.Contains("The Kindle Paperwhite is an e-reader", StringComparison.Ordinal)) + 1, ["", "      ###", ""]);
        File.WriteAllLines(ads, lines);
        Git(work, "commit", "-q", "-am", "head");

        // The tool, installed from the local feed as docs/ci.md says (a tool path instead of --global).
        var tools = Path.Combine(SdkFeed.RunDirectory, "tools-" + Guid.NewGuid().ToString("N")[..8]);
        var tool = DotNet.Run(work, ["tool", "install", "FineTune.Build.Cli", "--tool-path", tools, "--version", SdkFeed.Version, "--add-source", feed]);
        Assert.AreEqual(0, tool.ExitCode, tool.ToString());

        var summary = Path.Combine(SdkFeed.RunDirectory, "step-summary-" + Guid.NewGuid().ToString("N")[..8] + ".md");
        var environment = new Dictionary<string, string?>
        {
            ["SOLUTION"] = "samples.sln",
            ["GITHUB_STEP_SUMMARY"] = summary,
            ["BASE_REF"] = "main",
            ["LINK_BASE"] = "https://github.com/o/r/blob/head/",
            ["PATH"] = tools + Path.PathSeparator + Environment.GetEnvironmentVariable("PATH"),
            ["NUGET_PACKAGES"] = SdkFeed.PackagesFolder,
        };
        var steps = WorkflowSteps();

        var build = Run("bash", work, environment, "-c", steps["build"]);
        var sarif = Run("bash", work, environment, "-c", steps["sarif"]);
        var diff = Run("bash", work, environment, "-c", steps["diff"]);

        Assert.AreNotEqual(0, build.Code, "the pull request breaks rules: the build fails");
        Assert.AreEqual(0, sarif.Code, sarif.Output);
        Assert.AreEqual(0, diff.Code, diff.Output);

        // Annotations: every error and warning line matches the problem matcher, and every SARIF result has one.
        var findingLines = build.Output.Split('\n').Where(l => Regex.IsMatch(l, @": (error|warning) FT\d{4}:")).Distinct().ToList();
        Assert.IsNotEmpty(findingLines);
        foreach (var line in findingLines)
        {
            Assert.IsTrue(Matcher.IsMatch(line.TrimEnd('\r')), "no annotation for: " + line);
        }

        var annotations = findingLines.Select(l => Matcher.Match(l.TrimEnd('\r'))).Select(m => (File: Path.GetFullPath(m.Groups[1].Value), Where: m.Groups[2].Value, Code: m.Groups[4].Value)).ToHashSet();
        var sarifFiles = Directory.GetFiles(Path.Combine(work, "sarif"), "*.sarif");
        CollectionAssert.AreEquivalent(new[] { "ad-support.sarif", "marv.sarif", "product-ads.sarif" }, sarifFiles.Select(Path.GetFileName).ToArray());
        var results = 0;
        foreach (var file in sarifFiles)
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(file));
            foreach (var result in document.RootElement.GetProperty("runs")[0].GetProperty("results").EnumerateArray())
            {
                if (result.GetProperty("level").GetString() == "note")
                {
                    continue;
                }

                results++;
                var physical = result.GetProperty("locations")[0].GetProperty("physicalLocation");
                var path = Path.GetFullPath(Path.Combine(work, Uri.UnescapeDataString(physical.GetProperty("artifactLocation").GetProperty("uri").GetString()!)));
                var region = physical.GetProperty("region");
                var where = $"{region.GetProperty("startLine").GetInt32()},{region.GetProperty("startColumn").GetInt32()}";
                Assert.IsTrue(annotations.Contains((path, where, result.GetProperty("ruleId").GetString()!)), $"no annotation for the SARIF result {result}");
            }
        }

        var codes = annotations.Select(a => a.Code).ToHashSet();
        foreach (var code in new[] { "FT2001", "FT5002", "FT6001", "FT3004", "FT4001" })
        {
            Assert.Contains(code, codes, string.Join("\n", findingLines));
        }

        Assert.IsTrue(annotations.Contains((marvProject, "4,5", "FT4001")), "the model finding points at <FineTuneBaseModel>: " + string.Join("\n", findingLines));
        Assert.AreEqual(results, annotations.Count, string.Join("\n", findingLines));

        // SARIF that the multitool's GitHub and SARIF rules accept.
        foreach (var file in sarifFiles)
        {
            Assert.AreEqual("", SarifMultitoolErrors(file), file);
        }

        // The step summary: each dataset's summary.md, then the diff.
        var stepSummary = File.ReadAllText(summary);
        StringAssert.Contains(stepSummary, "### :white_check_mark: ad-support compiled");
        StringAssert.Contains(stepSummary, "### :x: marv failed");
        StringAssert.Contains(stepSummary, "### :x: product-ads failed");
        StringAssert.Contains(stepSummary, "[`marv-chat/marv.proj(4,5)`](marv-chat/marv.proj#L4)");

        // The diff comment names every added, changed and removed example.
        var comment = File.ReadAllText(Path.Combine(work, "dataset-diff.md"));
        StringAssert.Contains(stepSummary, comment);
        StringAssert.Contains(comment, "### Dataset diff: ad-support");
        StringAssert.Contains(comment, "**2** added, **1** changed, **1** removed");
        StringAssert.Contains(comment, "`Company: Quill Stationery Product: fountain pens Ad:Write like you mean it with…` → `yes`");
        StringAssert.Contains(comment, "`Company: Quill Stationery Product: fountain pens Ad:Fresh sourdough delivered d…` → `no`");
        StringAssert.Contains(comment, "`Company: Nimbus Travel Product: city breaks Ad:Weekend escapes to Europe's best…`: `yes` → `no`");
        StringAssert.Contains(comment, "`ad-support/ads.csv(4,1)` `Company: Northwind Bikes Product: electric bicycles Ad:Book your electric bicyc…` → `yes`");
        StringAssert.Contains(comment, "### Dataset diff: marv");
        StringAssert.Contains(comment, "**3** added, **0** changed, **0** removed");
        StringAssert.Contains(comment, "`What colour is the sky?` → `Blue. Stunning discovery.`");
        StringAssert.Contains(comment, "`Is this thing on?` → ``");
        StringAssert.Contains(comment, "### Dataset diff: product-ads");
        StringAssert.Contains(comment, "**0** added, **1** changed, **0** removed");
        StringAssert.Contains(comment, "**kindle-paperwhite** [`product-ads/product-ads.yaml(23,5)`](https://github.com/o/r/blob/head/product-ads/product-ads.yaml#L23) `Kindle Paperwhite The Kindle Paperwhite");
        StringAssert.Contains(comment, "…`: prompt changed\n");
        StringAssert.Contains(comment, "https://github.com/o/r/blob/head/marv-chat/marv.yaml#L");
    }

    [TestMethod]
    public void HtmlReport_IsReadableAt1280And420Pixels()
    {
        var chromium = new[] { "chromium", "chromium-browser", "google-chrome" }.Select(FindOnPath).FirstOrDefault(p => p is not null);
        if (chromium is null)
        {
            Assert.Inconclusive("Chromium is not installed (.ci/run installs it with apt-get install chromium).");
        }

        var project = TestProject.Create("shots", "<FineTuneBaseModel>babbage-002</FineTuneBaseModel>");
        project.WriteFile("data.jsonl", string.Concat(Enumerable.Range(1, 30).Select(i =>
            $"{{\"prompt\": \"A long question number {i} about a_very_long_unbroken_identifier_that_would_overflow_a_phone_screen_{i}\", \"completion\": \" Answer {i}\"{(i % 3 == 0 ? ", \"extra\": 1" : "")}}}\n")));
        var build = project.Build();
        Assert.AreNotEqual(0, build.ExitCode);
        var html = Path.Combine(project.Directory, "bin", "Debug", "shots.report.html");

        foreach (var width in new[] { 1280, 420 })
        {
            var png = Path.Combine(SdkFeed.RunDirectory, $"report-{width}.png");
            var dump = Run(chromium!, project.Directory, [], "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", $"--window-size={width},2400", $"--screenshot={png}", "file://" + html);
            Assert.IsTrue(File.Exists(png), dump.Output);
            Assert.IsGreaterThan(10_000L, new FileInfo(png).Length);

            // No horizontal overflow: a copy of the page with a probe script reports the document's scroll width.
            var probe = Path.Combine(SdkFeed.RunDirectory, $"report-probe-{width}.html");
            File.WriteAllText(probe, File.ReadAllText(html).Replace("</body>", "<script>document.body.setAttribute('data-overflow', String(document.documentElement.scrollWidth - window.innerWidth));</script></body>", StringComparison.Ordinal));
            var dom = Run(chromium!, project.Directory, [], "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", $"--window-size={width},2400", "--virtual-time-budget=2000", "--dump-dom", "file://" + probe);
            var overflow = Regex.Match(dom.Output, "data-overflow=\"(-?\\d+)\"");
            Assert.IsTrue(overflow.Success, dom.Output);
            Assert.IsLessThanOrEqualTo(0, int.Parse(overflow.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), $"horizontal overflow at {width} px");
        }

        var css = File.ReadAllText(html);
        StringAssert.Contains(css, "@media (max-width: 600px)");
    }

    private static Dictionary<string, string> WorkflowSteps()
    {
        var yaml = new YamlStream();
        using (var reader = new StreamReader(Path.Combine(Repository.Root, "docs", "ci", "github-actions.yml")))
        {
            yaml.Load(reader);
        }

        var root = (YamlMappingNode)yaml.Documents[0].RootNode;
        var steps = (YamlSequenceNode)((YamlMappingNode)((YamlMappingNode)root["jobs"])["build"])["steps"];
        return steps.OfType<YamlMappingNode>()
            .Where(s => s.Children.ContainsKey("id") && s.Children.ContainsKey("run"))
            .ToDictionary(s => ((YamlScalarNode)s["id"]).Value!, s => ((YamlScalarNode)s["run"]).Value!);
    }

    /// <summary>Errors the SARIF multitool (npm @microsoft/sarif-multitool 5.7.0) reports with the GitHub and SARIF rules.</summary>
    private static string SarifMultitoolErrors(string sarifFile)
    {
        var folder = Path.Combine(SdkFeed.RunDirectory, "sarif-multitool");
        var tool = Path.Combine(folder, "node_modules", "@microsoft", "sarif-multitool-linux", "Sarif.Multitool");
        if (!File.Exists(tool))
        {
            var install = Run("npm", SdkFeed.RunDirectory, [], "install", "--prefix", folder, "--no-audit", "--no-fund", "@microsoft/sarif-multitool@5.7.0");
            Assert.AreEqual(0, install.Code, install.Output);
            Run("chmod", folder, [], "u+x", tool);
        }

        var output = sarifFile + ".validation.sarif";
        var validate = Run(tool, folder, [], "validate", "--rule-kind", "Gh;Sarif", sarifFile, "--output", output);
        Assert.IsTrue(File.Exists(output), validate.Output);
        using var document = JsonDocument.Parse(File.ReadAllBytes(output));
        return string.Join("\n", document.RootElement.GetProperty("runs").EnumerateArray()
            .SelectMany(r => r.TryGetProperty("results", out var rs) ? rs.EnumerateArray() : Enumerable.Empty<JsonElement>())
            .Where(r => r.GetProperty("level").GetString() == "error")
            .Select(r => r.ToString()));
    }

    private static string CopySample(string feed)
    {
        var target = Path.Combine(SdkFeed.RunDirectory, "pr-" + Guid.NewGuid().ToString("N")[..8]);
        var source = Path.Combine(Repository.Root, "sample-project");
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(source, file);
            if (relative.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj"))
            {
                continue;
            }

            var destination = Path.Combine(target, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.WriteAllText(destination, File.ReadAllText(file).Replace("FineTune.Build.Sdk/1.0.0", $"FineTune.Build.Sdk/{SdkFeed.Version}"));
        }

        File.WriteAllText(Path.Combine(target, "nuget.config"), $"""
            <configuration><packageSources><clear /><add key="feed" value="{feed}" /></packageSources></configuration>
            """);
        File.WriteAllText(Path.Combine(target, ".gitignore"), "bin/\nobj/\nsarif/\ndataset-diff.md\n");
        return target;
    }

    private static void Git(string directory, params string[] arguments)
    {
        var result = Run("git", directory, [], ["-c", "user.name=Reviewer", "-c", "user.email=reviewer@example.test", .. arguments]);
        Assert.AreEqual(0, result.Code, result.Output);
    }

    private static string? FindOnPath(string name)
        => (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator).Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);

    private static (int Code, string Output) Run(string command, string directory, Dictionary<string, string?> environment, params string[] arguments)
    {
        var start = new ProcessStartInfo(command) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) || k.StartsWith("VSTEST", StringComparison.Ordinal) || k.StartsWith("TESTINGPLATFORM", StringComparison.Ordinal) || k == "DOTNET_HOST_PATH").ToList())
        {
            start.Environment.Remove(key);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output + error.Result);
    }
}
