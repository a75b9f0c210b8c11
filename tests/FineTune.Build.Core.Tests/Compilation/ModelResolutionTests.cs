using FineTune.Build.Compilation;
using FineTune.Build.Diagnostics;
using FineTune.Build.Examples;
using FineTune.Build.Models;
using static FineTune.Build.Core.Tests.Rules.RuleHarness;

namespace FineTune.Build.Core.Tests.Compilation;

[TestClass]
public sealed class ModelResolutionTests
{
    private const string Project = "/repo/ads/ads.ftproj";

    private static CompileOptions Options(string? model, DateOnly? today = null, DatasetFormat? format = null, string? method = null, string? catalog = null) => new()
    {
        Sources = [],
        OutputDirectory = "/repo/ads/bin",
        DatasetName = "ads",
        ProjectFile = Project,
        BaseModel = model,
        Today = today ?? new DateOnly(2026, 11, 25),
        Format = format,
        Method = method,
        ModelCatalogPath = catalog,
    };

    private static (ModelLookupResult Lookup, DiagnosticCollector Diagnostics) Resolve(CompileOptions options)
    {
        var diagnostics = TestFiles.Collector();
        return (ModelResolution.Resolve(options, diagnostics), diagnostics);
    }

    private static Diagnostic Only(DiagnosticCollector diagnostics, string code, DiagnosticSeverity severity)
    {
        Assert.AreEqual($"{code}(0,0)", TestFiles.Codes(diagnostics));
        var d = diagnostics.Diagnostics[0];
        Assert.AreEqual(severity, d.Severity);
        Assert.AreEqual(Project, d.File);
        return d;
    }

    [TestMethod]
    public void UnknownModel_IsFT4001Warning_AtTheProjectFile_WithTheFallback()
    {
        var (lookup, diagnostics) = Resolve(Options("gpt-99-turbo"));
        var d = Only(diagnostics, "FT4001", DiagnosticSeverity.Warning);
        StringAssert.Contains(d.Message, "'gpt-99-turbo' is not in the model catalog");
        StringAssert.Contains(d.Message, "o200k_base, 65536 tokens");
        Assert.IsFalse(lookup.IsKnown);
        Assert.AreEqual("o200k_base", lookup.Entry.Tokenizer);
    }

    [TestMethod]
    public void NoModel_IsNoDiagnostic()
    {
        var (lookup, diagnostics) = Resolve(Options(null));
        Assert.AreEqual("", TestFiles.Codes(diagnostics));
        Assert.IsFalse(lookup.IsKnown);
    }

    [TestMethod]
    public void RetiredDavinci_IsFT4003Error_NamingDavinci002()
    {
        var (lookup, diagnostics) = Resolve(Options("davinci"));
        var d = Only(diagnostics, "FT4003", DiagnosticSeverity.Error);
        StringAssert.Contains(d.Message, "'davinci' was shut down on 2024-01-04");
        StringAssert.Contains(d.Message, "use davinci-002 instead");
        Assert.AreEqual("r50k_base", lookup.Entry.Tokenizer);
        Assert.AreEqual(2048, lookup.Entry.MaxExampleTokens);
    }

    [TestMethod]
    public void DeprecatedModel_AfterTheAnnouncement_IsFT4004Warning_WithDateAndReplacement()
    {
        // OpenAI's deprecations page, 2026-04-22: gpt-3.5-turbo-0125 shuts down on 2026-10-23, substitute gpt-4.1-mini.
        var (_, diagnostics) = Resolve(Options("gpt-3.5-turbo", new DateOnly(2026, 7, 1)));
        var d = Only(diagnostics, "FT4004", DiagnosticSeverity.Warning);
        StringAssert.Contains(d.Message, "'gpt-3.5-turbo' is deprecated and shuts down on 2026-10-23; use gpt-4.1-mini-2025-04-14 instead");
        StringAssert.Contains(d.Message, "(source: https://developers.openai.com/api/docs/deprecations");
    }

    [TestMethod]
    public void DeprecatedModel_OnTheAnnouncementDay_IsFT4004()
    {
        Only(Resolve(Options("gpt-3.5-turbo-0125", new DateOnly(2026, 4, 22))).Diagnostics, "FT4004", DiagnosticSeverity.Warning);
    }

    [TestMethod]
    public void DeprecatedModel_BeforeItsAnnouncement_IsNotFT4004()
    {
        // The deprecation was announced on 2026-04-22 (models.json "announced"); a build judged on an earlier day
        // (FineTuneLifecycleDate) cannot know of it, and new jobs are still allowed then.
        var (_, diagnostics) = Resolve(Options("gpt-3.5-turbo", new DateOnly(2026, 4, 21)));
        Assert.AreEqual("", TestFiles.Codes(diagnostics));
    }

    [TestMethod]
    public void DeprecatedModel_AfterItsShutdown_IsFT4003()
    {
        var d = Only(Resolve(Options("gpt-3.5-turbo", new DateOnly(2026, 10, 23))).Diagnostics, "FT4003", DiagnosticSeverity.Error);
        StringAssert.Contains(d.Message, "was shut down on 2026-10-23; use gpt-4.1-mini-2025-04-14 instead");
    }

    [TestMethod]
    [DataRow("gpt-4o-mini-2024-07-18")]
    [DataRow("gpt-4o-mini")]
    [DataRow("gpt-4.1-mini-2025-04-14")]
    [DataRow("gpt-4.1-2025-04-14")]
    [DataRow("gpt-4o-2024-08-06")]
    public void NewChatProject_OnTheDayOfTheCatalog_HasNoLifecycleWarning(string model)
    {
        // Before, a blog's 2027-01-14 shutdown made every new chat project warn FT4004 on day one.
        var (_, diagnostics) = Resolve(Options(model, new DateOnly(2026, 11, 25)));
        Assert.AreEqual("", TestFiles.Codes(diagnostics));
    }

    [TestMethod]
    public void ActiveModel_AfterNewJobsEnd_IsFT4005()
    {
        Assert.AreEqual("", TestFiles.Codes(Resolve(Options("babbage-002", new DateOnly(2027, 1, 5))).Diagnostics));
        var d = Only(Resolve(Options("babbage-002", new DateOnly(2027, 1, 6))).Diagnostics, "FT4005", DiagnosticSeverity.Warning);
        StringAssert.Contains(d.Message, "New fine-tuning jobs for 'babbage-002' ended on 2027-01-06");
    }

    [TestMethod]
    public void ChatFormatOnBabbage002_IsFT4002()
    {
        var options = Options("babbage-002", format: DatasetFormat.Chat);
        var (lookup, diagnostics) = Resolve(options);
        ModelResolution.CheckSupport(options, lookup, ModelResolution.FormatFor(options, lookup)!.Value, diagnostics);
        var d = Only(diagnostics, "FT4002", DiagnosticSeverity.Error);
        StringAssert.Contains(d.Message, "babbage-002 does not train on the chat format (it takes completion)");
    }

    [TestMethod]
    public void DpoOnAModelWithoutDpo_IsFT4002()
    {
        var options = Options("babbage-002", method: "dpo");
        var (lookup, diagnostics) = Resolve(options);
        var format = ModelResolution.FormatFor(options, lookup)!.Value;
        Assert.AreEqual(DatasetFormat.Preference, format);
        ModelResolution.CheckSupport(options, lookup, format, diagnostics);
        Assert.AreEqual("FT4002(0,0) FT4002(0,0)", TestFiles.Codes(diagnostics));
        StringAssert.Contains(diagnostics.Diagnostics[0].Message, "does not train on the preference format");
        StringAssert.Contains(diagnostics.Diagnostics[1].Message, "babbage-002 does not support FineTuneMethod=dpo (it supports supervised)");
    }

    [TestMethod]
    public void DpoOnGpt35_InACompile_IsFT4002()
    {
        using var folder = new TempFolder();
        var run = CompileHarness.Compile(folder, "dpo.jsonl",
            """{"input": {"messages": [{"role": "user", "content": "Hi"}]}, "preferred_output": [{"role": "assistant", "content": "Hello"}], "non_preferred_output": [{"role": "assistant", "content": "Go"}]}""" + "\n",
            new CompileSetup { BaseModel = "gpt-3.5-turbo-0125", Method = "dpo", Today = new DateOnly(2026, 1, 1) });

        Assert.AreEqual(DatasetFormat.Preference, run.Result.Format);
        Assert.IsTrue(run.All.Any(d => d.Code == "FT4002" && d.Message.Contains("FineTuneMethod=dpo", StringComparison.Ordinal) && d.File == run.ProjectFile), run.Codes);
        Assert.IsFalse(run.Result.Succeeded);
    }

    [TestMethod]
    public void FineTuneMethodDpo_PicksThePreferenceFormat_AndAnExplicitFormatWins()
    {
        var lookup = ModelCatalog.LoadDefault().Lookup("gpt-4o-mini");
        Assert.AreEqual(DatasetFormat.Preference, ModelResolution.FormatFor(Options("gpt-4o-mini", method: "dpo"), lookup));
        Assert.AreEqual(DatasetFormat.Preference, ModelResolution.FormatFor(Options("gpt-4o-mini", method: "DPO"), lookup));
        Assert.AreEqual(DatasetFormat.Chat, ModelResolution.FormatFor(Options("gpt-4o-mini", method: "supervised"), lookup));
        Assert.AreEqual(DatasetFormat.Chat, ModelResolution.FormatFor(Options("gpt-4o-mini", format: DatasetFormat.Chat, method: "dpo"), lookup));
        Assert.AreEqual(DatasetFormat.Completion, ModelResolution.FormatFor(Options("babbage-002"), ModelCatalog.LoadDefault().Lookup("babbage-002")));
        Assert.IsNull(ModelResolution.FormatFor(Options("nope"), ModelCatalog.LoadDefault().Lookup("nope")));
    }

    [TestMethod]
    public void DpoSupportingModel_WithPreferenceFormat_HasNoDiagnostic()
    {
        var options = Options("gpt-4.1-mini", method: "dpo");
        var (lookup, _) = Resolve(options);
        var diagnostics = TestFiles.Collector();
        ModelResolution.CheckSupport(options, lookup, ModelResolution.FormatFor(options, lookup)!.Value, diagnostics);
        Assert.AreEqual("", TestFiles.Codes(diagnostics));
    }

    [TestMethod]
    public void InvalidCatalogOverride_IsFT4006_AtItsLineAndColumn()
    {
        using var folder = new TempFolder();
        const string line3 = """    {"name": "babbage-002", "maxExampleTokens": "many"}""";
        var path = folder.Write("models.json", "{\n  \"models\": [\n" + line3 + "\n  ]\n}\n");
        var (lookup, diagnostics) = Resolve(Options("babbage-002", catalog: path));

        Assert.AreEqual($"FT4006(3,{Col(line3, "\"many\"")})", TestFiles.Codes(diagnostics));
        var d = diagnostics.Diagnostics[0];
        Assert.AreEqual(DiagnosticSeverity.Error, d.Severity);
        Assert.AreEqual(path, d.File);
        StringAssert.Contains(d.Message, "maxExampleTokens");
        Assert.AreEqual(16384, lookup.Entry.MaxExampleTokens, "the built-in catalog is used when the override is invalid");
    }

    [TestMethod]
    public void CatalogOverrideWithAJsonSyntaxError_IsFT4006_AtTheError()
    {
        using var folder = new TempFolder();
        var path = folder.Write("models.json", "{\n  \"models\": [\n    {\"name\": \"babbage-002\" \"minExamples\": 1}\n  ]\n}\n");
        var (_, diagnostics) = Resolve(Options("babbage-002", catalog: path));
        Assert.AreEqual($"FT4006(3,{Col("    {\"name\": \"babbage-002\" \"minExamples\": 1}", "\"minExamples\"")})", TestFiles.Codes(diagnostics));
    }

    [TestMethod]
    public void MissingCatalogOverride_IsFT4006()
    {
        var (_, diagnostics) = Resolve(Options("babbage-002", catalog: "/nonexistent/models.json"));
        Assert.AreEqual("FT4006(1,1)", TestFiles.Codes(diagnostics));
        StringAssert.Contains(diagnostics.Diagnostics[0].Message, "was not found");
    }

    [TestMethod]
    public void UnknownModel_InACompile_IsReportedOnce_AndTheBuildStillSucceeds()
    {
        using var folder = new TempFolder();
        var run = CompileHarness.Compile(folder, "chat.jsonl",
            string.Concat(Enumerable.Range(1, 10).Select(i => $$"""{"messages": [{"role": "user", "content": "Q{{i}}"}, {"role": "assistant", "content": "A{{i}}"}]}""" + "\n")),
            new CompileSetup { BaseModel = "my-own-model", Task = DatasetTask.Generation, Policy = new DiagnosticPolicy(noWarn: "FT4030") });

        Assert.AreEqual("FT4001(0,0)", run.Codes);
        Assert.AreEqual(run.ProjectFile, run.Only("FT4001").File);
        Assert.IsTrue(run.Result.Succeeded);
        Assert.AreEqual(DatasetFormat.Chat, run.Result.Format);
    }
}
