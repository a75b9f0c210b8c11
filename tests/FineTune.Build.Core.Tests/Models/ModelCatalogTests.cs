using System.Text;
using FineTune.Build.Models;
using FineTune.Build.Tokens;

namespace FineTune.Build.Core.Tests.Models;

[TestClass]
public sealed class ModelCatalogTests
{
    private static readonly string[] RequiredModels =
    [
        "ada", "babbage", "curie", "davinci", "babbage-002", "davinci-002", "gpt-3.5-turbo-0125",
        "gpt-4o-mini-2024-07-18", "gpt-4o-2024-08-06", "gpt-4.1-2025-04-14", "gpt-4.1-mini-2025-04-14", "gpt-4.1-nano-2025-04-14",
    ];

    private static ModelCatalog Catalog => ModelCatalog.LoadDefault();

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public void Built_in_catalog_has_every_required_model_with_a_source_for_each_figure()
    {
        foreach (var name in RequiredModels)
        {
            var result = Catalog.Lookup(name);
            Assert.AreEqual(ModelMatch.Name, result.Match, name);
            var entry = result.Entry;
            Assert.IsTrue(TokenEncodings.IsSupported(entry.Tokenizer), name);
            Assert.AreEqual(10, entry.MinExamples, name);
            Assert.IsNotNull(entry.TrainingPricePerMillionTokens, name);
            foreach (var figure in new[] { "tokenizer", "maxExampleTokens", "trainingPricePerMillionTokens", "formats", "minExamples" })
            {
                // A figure no OpenAI page confirmed says so instead of citing a secondary page (docs/model-catalog.md).
                Assert.IsTrue(entry.Sources.TryGetValue(figure, out var source)
                    && (source.Contains("https://") || (source.StartsWith("unverified:", StringComparison.Ordinal) && name.StartsWith("gpt-4.1", StringComparison.Ordinal))),
                    $"{name}: source of {figure}");
            }

            Assert.IsNotNull(entry.Lifecycle.Source, $"{name}: lifecycle source");
        }

        Assert.IsNotNull(Catalog.NewJobsEndSource);
        Assert.AreEqual(new DateOnly(2027, 1, 6), Catalog.NewJobsEnd);
    }

    [TestMethod]
    [DataRow("ada", "r50k_base", 2048, "completion")]
    [DataRow("davinci", "r50k_base", 2048, "completion")]
    [DataRow("babbage-002", "cl100k_base", 16384, "completion")]
    [DataRow("davinci-002", "cl100k_base", 16384, "completion")]
    [DataRow("gpt-3.5-turbo-0125", "cl100k_base", 16385, "chat")]
    [DataRow("gpt-4o-mini-2024-07-18", "o200k_base", 65536, "chat")]
    [DataRow("gpt-4.1-nano-2025-04-14", "o200k_base", 65536, "chat")]
    public void Figures_of_a_model(string name, string tokenizer, int maxTokens, string defaultFormat)
    {
        var entry = Catalog.Lookup(name).Entry;
        Assert.AreEqual(tokenizer, entry.Tokenizer);
        Assert.AreEqual(maxTokens, entry.MaxExampleTokens);
        Assert.AreEqual(defaultFormat, entry.DefaultFormat);
    }

    [TestMethod]
    public void Preference_and_dpo_only_where_OpenAI_offers_them()
    {
        Assert.IsTrue(Catalog.Lookup("gpt-4o-mini-2024-07-18").Entry.SupportsMethod("dpo"));
        Assert.IsTrue(Catalog.Lookup("gpt-4.1-2025-04-14").Entry.SupportsFormat("preference"));
        Assert.IsFalse(Catalog.Lookup("gpt-3.5-turbo-0125").Entry.SupportsFormat("preference"));
        Assert.IsFalse(Catalog.Lookup("babbage-002").Entry.SupportsFormat("chat"));
    }

    [TestMethod]
    [DataRow("gpt-4o-mini", "gpt-4o-mini-2024-07-18")]
    [DataRow("GPT-4o-mini", "gpt-4o-mini-2024-07-18")]
    [DataRow("gpt-3.5-turbo", "gpt-3.5-turbo-0125")]
    [DataRow("gpt-4.1-nano", "gpt-4.1-nano-2025-04-14")]
    public void Aliases_resolve_to_the_snapshot(string alias, string expected)
    {
        var result = Catalog.Lookup(alias);
        Assert.AreEqual(ModelMatch.Alias, result.Match);
        Assert.AreEqual(expected, result.Entry.Name);
        Assert.AreEqual(alias, result.Requested);
    }

    [TestMethod]
    [DataRow("ft:gpt-4o-mini-2024-07-18:my-org:ads:9abcDEF", "gpt-4o-mini-2024-07-18")]
    [DataRow("ft:gpt-4o-mini-2024-07-18:my-org:ads:9abcDEF:ckpt-step-120", "gpt-4o-mini-2024-07-18")]
    [DataRow("ft:gpt-3.5-turbo:my-org::7xYz", "gpt-3.5-turbo-0125")]
    [DataRow("ft:davinci-002:my-org::abc", "davinci-002")]
    [DataRow("curie:ft-my-org-2023-03-01-12-00-00", "curie")]
    public void Fine_tuned_models_continue_from_their_base(string model, string expectedBase)
    {
        var result = Catalog.Lookup(model);
        Assert.AreEqual(ModelMatch.FineTuned, result.Match);
        Assert.IsTrue(result.IsKnown);
        Assert.IsTrue(result.IsFineTunedModel);
        Assert.AreEqual(expectedBase, result.Entry.Name);
    }

    [TestMethod]
    [DataRow("gpt-9-ultra")]
    [DataRow("")]
    [DataRow(null)]
    [DataRow("ft:mystery-model:org::id")]
    public void Unknown_model_gets_the_fallback_and_never_throws(string? model)
    {
        var result = Catalog.Lookup(model);
        Assert.AreEqual(ModelMatch.Unknown, result.Match);
        Assert.IsFalse(result.IsKnown);
        Assert.AreEqual((model ?? "").Trim(), result.Entry.Name);
        Assert.AreEqual(Catalog.Fallback.Tokenizer, result.Entry.Tokenizer);
        Assert.IsNull(result.Entry.TrainingPricePerMillionTokens);
        Assert.AreEqual(ModelLifecycleStatus.Active, result.Entry.Lifecycle.Status);
    }

    [TestMethod]
    public void Unknown_model_can_fall_back_to_a_named_entry()
    {
        var result = Catalog.Lookup("my-gateway-model", fallbackModel: "gpt-3.5-turbo");
        Assert.AreEqual(ModelMatch.Unknown, result.Match);
        Assert.AreEqual("gpt-3.5-turbo-0125", result.Entry.Name);
        Assert.AreEqual("cl100k_base", result.Entry.Tokenizer);

        // A fallback that names nothing known leaves the catalog's own fallback in place.
        Assert.AreEqual(Catalog.Fallback.Tokenizer, Catalog.Lookup("x", "also-unknown").Entry.Tokenizer);
    }

    [TestMethod]
    [DataRow("gpt-4o-mini-2024-07-18")]
    [DataRow("gpt-4o-2024-08-06")]
    [DataRow("gpt-4.1-2025-04-14")]
    [DataRow("gpt-4.1-mini-2025-04-14")]
    [DataRow("gpt-4.1-nano-2025-04-14")]
    public void Current_chat_models_have_no_shutdown_date_without_an_OpenAI_source(string name)
    {
        // The previous catalog took a 2027-01-14 shutdown and a "gpt-6-luna" replacement from blog summaries, so every new
        // chat project warned FT4004. No OpenAI page read on 2026-11-25 lists these snapshots: they are active.
        var entry = Catalog.Lookup(name).Entry;
        var today = Catalog.Assess(entry, new DateOnly(2026, 11, 25));
        Assert.AreEqual(ModelLifecycleStatus.Active, today.Status);
        Assert.IsNull(today.ShutdownDate);
        Assert.IsNull(today.Replacement);
        Assert.IsTrue(today.NewJobsAllowed);
        Assert.IsNull(today.Describe(name));

        // Only OpenAI's end of new jobs applies to them.
        var afterJobsEnd = Catalog.Assess(entry, new DateOnly(2027, 1, 6));
        Assert.AreEqual(ModelLifecycleStatus.Active, afterJobsEnd.Status);
        Assert.IsFalse(afterJobsEnd.NewJobsAllowed);
        Assert.AreEqual(Catalog.NewJobsEndSource, afterJobsEnd.NewJobsEndSource);
        StringAssert.Contains(afterJobsEnd.Describe(name), "New fine-tuning jobs for '" + name + "' ended on 2027-01-06");
        Assert.IsTrue(Catalog.Assess(entry, new DateOnly(2027, 1, 5)).NewJobsAllowed);
    }

    [TestMethod]
    public void Lifecycle_at_fixed_dates()
    {
        // OpenAI's deprecations page, 2026-04-22 "Legacy GPT model snapshots": gpt-3.5-turbo-0125 shuts down on
        // 2026-10-23, substitute gpt-4.1-mini.
        var turbo = Catalog.Lookup("gpt-3.5-turbo").Entry;
        Assert.AreEqual(new DateOnly(2026, 4, 22), turbo.Lifecycle.Announced);
        StringAssert.Contains(turbo.Lifecycle.Source, "developers.openai.com/api/docs/deprecations");

        var beforeAnnouncement = Catalog.Assess(turbo, new DateOnly(2026, 4, 21));
        Assert.AreEqual(ModelLifecycleStatus.Active, beforeAnnouncement.Status);

        var deprecated = Catalog.Assess(turbo, new DateOnly(2026, 10, 22));
        Assert.AreEqual(ModelLifecycleStatus.Deprecated, deprecated.Status);
        Assert.AreEqual(new DateOnly(2026, 10, 23), deprecated.ShutdownDate);
        Assert.AreEqual("gpt-4.1-mini-2025-04-14", deprecated.Replacement);
        Assert.AreEqual(1, deprecated.DaysUntilShutdown);
        StringAssert.Contains(deprecated.Describe("gpt-3.5-turbo"), "deprecated and shuts down on 2026-10-23; use gpt-4.1-mini-2025-04-14 instead");

        var shutDown = Catalog.Assess(turbo, new DateOnly(2026, 11, 25));
        Assert.AreEqual(ModelLifecycleStatus.Retired, shutDown.Status);
        Assert.IsNull(shutDown.DaysUntilShutdown);
        StringAssert.Contains(shutDown.Describe("gpt-3.5-turbo"), "was shut down on 2026-10-23");

        // The 2023-07-06 deprecation: the GPT-3 base models shut down on 2024-01-04.
        var davinci = Catalog.Assess(Catalog.Lookup("davinci").Entry, new DateOnly(2023, 1, 1));
        Assert.AreEqual(ModelLifecycleStatus.Retired, davinci.Status);
        Assert.AreEqual(new DateOnly(2024, 1, 4), davinci.ShutdownDate);
        Assert.AreEqual("davinci-002", davinci.Replacement);
        Assert.AreEqual("babbage-002", Catalog.Assess(Catalog.Lookup("ada").Entry, new DateOnly(2025, 1, 1)).Replacement);

        var babbage002 = Catalog.Assess(Catalog.Lookup("babbage-002").Entry, new DateOnly(2026, 11, 25));
        Assert.AreEqual(ModelLifecycleStatus.Active, babbage002.Status);
        Assert.IsNull(babbage002.Describe("babbage-002"));
        StringAssert.Contains(Catalog.Assess(Catalog.Lookup("babbage-002").Entry, new DateOnly(2027, 2, 1)).Describe("babbage-002"), "2027-01-06");
    }

    [TestMethod]
    public void Provider_wind_down_is_catalog_data_with_its_citation()
    {
        var windDown = Catalog.ProviderWindDown;
        Assert.IsNotNull(windDown);
        Assert.AreEqual(new DateOnly(2027, 1, 6), windDown.NewJobsEnd);
        StringAssert.Contains(windDown.Source, "https://developers.openai.com/api/docs/deprecations");
        StringAssert.Contains(windDown.Note, "until their base models shut down");
        Assert.IsTrue(windDown.AllowsNewJobsOn(new DateOnly(2027, 1, 5)));
        Assert.IsFalse(windDown.AllowsNewJobsOn(new DateOnly(2027, 1, 6)));
        Assert.AreEqual(42, windDown.DaysLeft(new DateOnly(2026, 11, 25)));
    }

    [TestMethod]
    public void Every_citation_is_an_OpenAI_page_or_a_dated_copy_of_one()
    {
        // Issue 10: nothing from blogs or other vendors. Allowed: OpenAI's own sites and repositories, and archive
        // copies of OpenAI pages.
        string[] allowedHosts =
        [
            "platform.openai.com", "developers.openai.com", "openai.com", "github.com/openai/", "megalodon.jp/ref/", "spybara.com/openai/",
        ];
        var citations = Catalog.Models.SelectMany(m => m.Sources.Values.Append(m.Lifecycle.Source ?? "").Append(m.Note ?? ""))
            .Append(Catalog.NewJobsEndSource ?? "").Append(Catalog.NewJobsEndNote ?? "");
        foreach (var citation in citations)
        {
            foreach (System.Text.RegularExpressions.Match url in System.Text.RegularExpressions.Regex.Matches(citation, @"https?://([^\s)'""]+)"))
            {
                var rest = url.Groups[1].Value;
                Assert.IsTrue(allowedHosts.Any(h => rest.StartsWith(h, StringComparison.Ordinal) || rest.StartsWith("www." + h, StringComparison.Ordinal)), $"secondary source: {url.Value}");
            }
        }

        Assert.IsFalse(Catalog.Models.Any(m => m.Lifecycle.Replacement is { } r && r.StartsWith("gpt-6", StringComparison.Ordinal)));
    }

    [TestMethod]
    public void Override_file_extends_and_overrides_by_name()
    {
        string path = Write("""
            {
              // A project's catalog: comments and trailing commas are fine.
              "fineTuning": { "newJobsEnd": "2027-06-30", "source": "https://example.test/notice" },
              "models": [
                { "name": "gpt-4o-mini-2024-07-18", "trainingPricePerMillionTokens": 2.5,
                  "sources": { "trainingPricePerMillionTokens": "https://example.test/contract" } },
                { "name": "my-gateway-llm", "aliases": ["gw"], "formats": ["chat"], "methods": ["supervised"],
                  "tokenizer": "cl100k_base", "maxExampleTokens": 8192,
                  "lifecycle": { "status": "deprecated", "shutdownDate": "2027-03-01", "replacement": "my-gateway-llm-2" } },
              ],
            }
            """);

        var result = ModelCatalog.Load(path);
        Assert.IsTrue(result.Success, string.Join("\n", result.Errors));
        var catalog = result.Catalog;

        var mini = catalog.Lookup("gpt-4o-mini").Entry;
        Assert.AreEqual(2.5m, mini.TrainingPricePerMillionTokens);
        Assert.AreEqual(65536, mini.MaxExampleTokens, "fields the override does not set keep the built-in value");
        Assert.AreEqual("https://example.test/contract", mini.Sources["trainingPricePerMillionTokens"]);
        Assert.IsTrue(mini.Sources["maxExampleTokens"].StartsWith("https://", StringComparison.Ordinal));

        var gateway = catalog.Lookup("gw");
        Assert.AreEqual(ModelMatch.Alias, gateway.Match);
        Assert.AreEqual(8192, gateway.Entry.MaxExampleTokens);
        Assert.AreEqual(10, gateway.Entry.MinExamples);
        Assert.AreEqual(ModelLifecycleStatus.Deprecated, catalog.Assess(gateway.Entry, new DateOnly(2027, 2, 1)).Status);

        Assert.AreEqual(new DateOnly(2027, 6, 30), catalog.NewJobsEnd);
        Assert.AreEqual(RequiredModels.Length + 1, catalog.Models.Count);

        // The built-in catalog itself is unchanged.
        Assert.AreEqual(3.00m, ModelCatalog.LoadDefault().Lookup("gpt-4o-mini").Entry.TrainingPricePerMillionTokens);
    }

    [TestMethod]
    public void Load_without_an_override_is_the_built_in_catalog()
    {
        var result = ModelCatalog.Load(null);
        Assert.IsTrue(result.Success);
        Assert.AreSame(ModelCatalog.LoadDefault(), result.Catalog);
    }

    [TestMethod]
    public void Invalid_json_is_reported_at_its_line()
    {
        string path = Write("{\n  \"models\": [\n    { \"name\": \"x\", }\n    { \"name\": \"y\" }\n  ]\n}\n");

        var result = ModelCatalog.Load(path);

        Assert.IsFalse(result.Success);
        var error = result.Errors.Single();
        Assert.AreEqual(path, error.File);
        Assert.AreEqual(4, error.Line);
        StringAssert.Contains(error.Message, "not valid JSON");
        Assert.AreSame(ModelCatalog.LoadDefault(), result.Catalog, "a bad override leaves the built-in catalog usable");
    }

    [TestMethod]
    public void Schema_errors_point_at_the_offending_value_and_say_what_to_fix()
    {
        string path = Write("""
            {
              "models": [
                {
                  "name": "gpt-4o-mini-2024-07-18",
                  "tokenizer": "cl200k_base",
                  "maxExampleToken": 4096
                },
                {
                  "name": "new-model",
                  "formats": ["chat", "speech"],
                  "lifecycle": { "status": "deprecated", "shutdownDate": "14/01/2027" }
                }
              ]
            }
            """);

        var errors = ModelCatalog.Load(path).Errors;

        AssertError(errors, 5, 20, "'cl200k_base' is not a known tokenizer");
        AssertError(errors, 6, 7, "did you mean 'maxExampleTokens'?");
        AssertError(errors, 10, 27, "'speech' is not a valid entry of formats");
        AssertError(errors, 11, 62, "write it as yyyy-MM-dd");
        Assert.IsTrue(errors.All(e => e.File == path));
    }

    [TestMethod]
    public void A_new_model_must_set_the_essential_figures()
    {
        string path = Write("""
            { "models": [
              { "name": "half-model", "formats": ["chat"] }
            ] }
            """);

        var error = ModelCatalog.Load(path).Errors.Single();
        Assert.AreEqual(2, error.Line);
        Assert.AreEqual(3, error.Column);
        StringAssert.Contains(error.Message, "must set methods, tokenizer, maxExampleTokens");
    }

    [TestMethod]
    public void Alias_that_is_a_model_name_is_an_error()
    {
        string path = Write("""{ "models": [ { "name": "davinci-002", "aliases": ["babbage-002"] } ] }""");

        var error = ModelCatalog.Load(path).Errors.Single();
        Assert.AreEqual(1, error.Line);
        Assert.AreEqual(52, error.Column);
        StringAssert.Contains(error.Message, "already the name of a model");
    }

    [TestMethod]
    public void Missing_override_file_is_an_error_not_a_crash()
    {
        string path = Path.Combine(TestContext.TestRunDirectory ?? Path.GetTempPath(), "does-not-exist", "models.json");
        var result = ModelCatalog.Load(path);
        StringAssert.Contains(result.Errors.Single().Message, "was not found");
    }

    [TestMethod]
    public void Catalog_file_ships_beside_the_assembly()
    {
        string file = Path.Combine(AppContext.BaseDirectory, "Models", ModelCatalog.DefaultFileName);
        Assert.IsTrue(File.Exists(file), file);
        Assert.IsTrue(ModelCatalog.Load(file).Success, "the shipped file is itself a valid override (it redefines nothing new)");
    }

    private static void AssertError(IReadOnlyList<CatalogDiagnostic> errors, int line, int column, string text)
    {
        Assert.IsTrue(errors.Any(e => e.Line == line && e.Column == column && e.Message.Contains(text, StringComparison.Ordinal)),
            $"expected ({line},{column}) '{text}' in:\n{string.Join("\n", errors)}");
    }

    private string Write(string content)
    {
        string dir = Path.Combine(Path.GetTempPath(), "finetune-models-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        string path = Path.Combine(dir, "finetune.models.json");
        File.WriteAllText(path, content, new UTF8Encoding(false));
        return path;
    }
}
