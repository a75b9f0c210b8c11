using System.Text.Json;
using FineTune.Build.Compilation;
using FineTune.Build.Diagnostics;
using FineTune.Build.Rules;
using static FineTune.Build.Core.Tests.TestFiles;

namespace FineTune.Build.Core.Tests.Compilation;

/// <summary>FineTuneSecretAllow through the whole compile: settings, FT6004, the JSONL and report.json.</summary>
[TestClass]
public sealed class SecretWaiverTests
{
    // A GitHub classic token of the real shape, assembled so that no scanner takes this file for a leak.
    private static readonly string Token = "ghp" + "_" + "aB3dE6gH9jK2mN5pQ8sT1vW4yZ7bC0eF3hI6";

    private static (CompileResult? Result, DiagnosticCollector Diagnostics) Compile(TempFolder folder, params (string Fingerprint, string? Reason)[] allowed)
    {
        var catalog = folder.Write("catalog.json", """{"models": [{"name": "gpt-4o-mini-2024-07-18", "minExamples": 1}]}""");
        var yaml = folder.Write("chat.yaml",
            $"- messages:\n    - role: user\n      content: Show a token format\n    - role: assistant\n      content: \"For example {Token}\"\n" +
            $"- messages:\n    - role: user\n      content: What is the deploy token?\n    - role: assistant\n      content: \"It is {Token}\"\n");
        var settings = new CompileSettings
        {
            ProjectDirectory = folder.Path,
            OutputDirectory = folder.File("bin"),
            DatasetName = "chat",
            BaseModel = "gpt-4o-mini-2024-07-18",
            ModelCatalog = catalog,
            LifecycleDate = "2026-11-25",
        };
        settings.Sources.Add((yaml, new Dictionary<string, string?>()));
        foreach (var allowance in allowed)
        {
            settings.SecretAllowances.Add(allowance);
        }

        var diagnostics = new DiagnosticCollector(new DiagnosticPolicy(noWarn: "FT4030;FT4021"), maxReported: 1000);
        var options = settings.ToOptions(diagnostics);
        return (options is null ? null : new DatasetCompiler(options, diagnostics).Compile(), diagnostics);
    }

    [TestMethod]
    public void WithoutAWaiver_BothOccurrencesAreFT6004()
    {
        using var folder = new TempFolder();
        var (result, diagnostics) = Compile(folder);
        Assert.AreEqual("FT6004(5,16) FT6004(10,16)", Codes(diagnostics));
        Assert.IsFalse(result!.Succeeded);
    }

    [TestMethod]
    public void AWaiver_AllowsTheReviewedOccurrenceOnly_AndTheReportListsIt()
    {
        using var folder = new TempFolder();
        var (_, first) = Compile(folder);
        var printed = first.Diagnostics.First().Message;
        var fingerprint = System.Text.RegularExpressions.Regex.Match(printed, "sha256:[0-9a-f]{16}").Value;
        Assert.AreEqual(SecretRule.Fingerprint(Token, "For example " + Token), fingerprint);

        using var second = new TempFolder();
        var (result, diagnostics) = Compile(second, (fingerprint, "A made-up token that shows the format"));
        Assert.AreEqual("FT6004(10,16)", Codes(diagnostics), "the other occurrence of the same token is still an error");
        Assert.IsFalse(result!.Succeeded);

        using var report = JsonDocument.Parse(File.ReadAllText(second.File("bin/chat.report.json")));
        var waived = report.RootElement.GetProperty("waivedSecrets").EnumerateArray().Single();
        Assert.AreEqual("a GitHub token", waived.GetProperty("kind").GetString());
        Assert.AreEqual("chat.yaml", waived.GetProperty("file").GetString());
        Assert.AreEqual((5, 16), (waived.GetProperty("line").GetInt32(), waived.GetProperty("column").GetInt32()));
        Assert.AreEqual(fingerprint, waived.GetProperty("fingerprint").GetString());
        Assert.AreEqual("A made-up token that shows the format", waived.GetProperty("reason").GetString());
    }

    [TestMethod]
    public void WaivingEveryOccurrence_Builds_AndTheJsonlKeepsTheText()
    {
        using var folder = new TempFolder();
        var (result, diagnostics) = Compile(folder,
            (SecretRule.Fingerprint(Token, "For example " + Token), "format sample"),
            (SecretRule.Fingerprint(Token, "It is " + Token), null));
        Assert.AreEqual("", Codes(diagnostics));
        Assert.IsTrue(result!.Succeeded);
        var jsonl = File.ReadAllText(result.TrainPath);
        Assert.AreEqual(2, jsonl.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.DoesNotContain("x-allow", jsonl);
        Assert.DoesNotContain("sha256", jsonl, "the waiver lives in the project, not in the output");
    }

    [TestMethod]
    [DataRow("sha256:123")]
    [DataRow("ghp_notafingerprint")]
    public void AMalformedFingerprint_IsFT0001(string fingerprint)
    {
        using var folder = new TempFolder();
        var (result, diagnostics) = Compile(folder, (fingerprint, null));
        Assert.IsNull(result);
        var d = diagnostics.Diagnostics.Single();
        Assert.AreEqual("FT0001", d.Code);
        StringAssert.Contains(d.Message, "FineTuneSecretAllow is '" + fingerprint + "'");
    }
}
