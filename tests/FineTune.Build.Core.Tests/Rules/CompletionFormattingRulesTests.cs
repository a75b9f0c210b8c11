using FineTune.Build.Diagnostics;
using FineTune.Build.Examples;
using FineTune.Build.Rules;
using FineTune.Build.Sources;
using static FineTune.Build.Core.Tests.TestFiles;

namespace FineTune.Build.Core.Tests.Rules;

[TestClass]
public sealed class CompletionFormattingRulesTests
{
    private static readonly FormattingOptions Strict = FormattingOptions.Default with { Mode = FormattingMode.Strict };

    private sealed record Run(List<Example> Examples, DiagnosticCollector Diagnostics, CompletionFormattingRules.AppendCounts Counts, CompletionFormattingRules Rules)
    {
        public string Output => string.Join("\n", Examples.Select(e => Json(e.Body)));
    }

    private static Run Apply(SourceFile source, FormattingOptions options, bool classification = false)
    {
        var diagnostics = Collector();
        var binder = new ExampleBinder(diagnostics);
        var examples = Read(source, diagnostics).Select(r => binder.Bind(source, r, DatasetFormat.Completion)!).ToList();
        Assert.AreEqual("", Codes(diagnostics), "the test data must bind cleanly");
        var rules = new CompletionFormattingRules(options, diagnostics);
        var counts = new CompletionFormattingRules.AppendCounts();
        foreach (var example in examples)
        {
            rules.Apply(example, classification, counts);
        }

        return new Run(examples, diagnostics, counts, rules);
    }

    private static Run Apply(TempFolder folder, string name, string text, FormattingOptions options, bool classification = false)
        => Apply(new SourceFile(folder.Write(name, text)), options, classification);

    [TestMethod]
    public void Append_AddsSeparatorLeadingSpaceAndStop_AndCountsThem()
    {
        // The seed's own CLI test file: {"prompt": "1 + 3 =", "completion": "4"}.
        var run = Apply(new SourceFile(Shared("derived/v0.28.1_test_file_cli.jsonl")), FormattingOptions.Default);

        Assert.AreEqual("", Codes(run.Diagnostics));
        Assert.AreEqual("{\"prompt\": \"1 + 3 =\\n\\n###\\n\\n\", \"completion\": \" 4 END\"}", run.Output);
        Assert.AreEqual((1, 1, 1, 3), (run.Counts.Separators, run.Counts.LeadingSpaces, run.Counts.StopSequences, run.Counts.Total));
    }

    [TestMethod]
    public void Append_Classification_AddsNoStopSequence()
    {
        var run = Apply(new SourceFile(Shared("derived/v0.28.1_test_file_cli.jsonl")), FormattingOptions.Default, classification: true);

        Assert.AreEqual("", Codes(run.Diagnostics));
        Assert.AreEqual("{\"prompt\": \"1 + 3 =\\n\\n###\\n\\n\", \"completion\": \" 4\"}", run.Output);
        Assert.AreEqual((1, 1, 0), (run.Counts.Separators, run.Counts.LeadingSpaces, run.Counts.StopSequences));
    }

    [TestMethod]
    public void Append_AlreadyFormatted_ChangesNothing_AndReportsNothing()
    {
        using var folder = new TempFolder();
        var run = Apply(folder, "a.jsonl", "{\"prompt\": \"q\\n\\n###\\n\\n\", \"completion\": \"\\tanswer END\"}\n", FormattingOptions.Default);
        run.Rules.ReportAppended("a.jsonl", 1, 1, run.Counts);

        Assert.AreEqual("", Codes(run.Diagnostics));
        Assert.AreEqual("{\"prompt\": \"q\\n\\n###\\n\\n\", \"completion\": \"\\tanswer END\"}", run.Output);
        Assert.AreEqual(0, run.Counts.Total);
    }

    [TestMethod]
    public void ReportAppended_IsOneInfoWithTheCounts()
    {
        using var folder = new TempFolder();
        var run = Apply(folder, "a.jsonl",
            "{\"prompt\": \"a\", \"completion\": \"b\"}\n{\"prompt\": \"c\\n\\n###\\n\\n\", \"completion\": \"d\"}\n{\"prompt\": \"e\", \"completion\": \" f END\"}\n",
            FormattingOptions.Default);
        run.Rules.ReportAppended("a.jsonl", 1, 1, run.Counts);

        Assert.AreEqual("FT3006(1,1)", Codes(run.Diagnostics));
        var info = run.Diagnostics.Diagnostics[0];
        Assert.AreEqual(DiagnosticSeverity.Info, info.Severity);
        Assert.AreEqual(0, run.Diagnostics.ErrorCount + run.Diagnostics.WarningCount);
        StringAssert.Contains(info.Message, "the separator to 2 prompt(s), a leading space to 2 completion(s), the stop sequence to 2 completion(s)");
    }

    [TestMethod]
    public void Strict_ReportsEachMissingPieceAtTheValue_AndChangesNothing()
    {
        var run = Apply(new SourceFile(Shared("derived/v0.28.1_test_file_cli.jsonl")), Strict);

        Assert.AreEqual("FT3001(1,12) FT3002(1,37) FT3003(1,37)", Codes(run.Diagnostics));
        Assert.AreEqual("{\"prompt\": \"1 + 3 =\", \"completion\": \"4\"}", run.Output);
        Assert.AreEqual(0, run.Counts.Total);
        Assert.AreEqual(3, run.Diagnostics.ErrorCount);
    }

    [TestMethod]
    public void Strict_MissingLeadingSpace_QuotesTheActualCompletion()
    {
        var run = Apply(new SourceFile(Shared("derived/v0.28.1_test_file_cli.jsonl")), Strict);
        var d = run.Diagnostics.Diagnostics.Single(x => x.Code == "FT3002");

        // Before, the message always said (" yes", not "yes") whatever the completion was.
        StringAssert.Contains(d.Message, "(\" 4\", not \"4\")");
        Assert.DoesNotContain("yes", d.Message);
    }

    [TestMethod]
    public void Strict_MissingLeadingSpace_ShortensALongCompletion_AndEscapesIt()
    {
        using var folder = new TempFolder();
        var completion = "Yes \\\"please\\\"\\n" + new string('x', 60) + " END";
        var source = new SourceFile(folder.Write("a.jsonl", $$"""{"prompt": "Q\n\n###\n\n", "completion": "{{completion}}"}""" + "\n"));
        var run = Apply(source, Strict);
        var d = run.Diagnostics.Diagnostics.Single(x => x.Code == "FT3002");
        StringAssert.Contains(d.Message, "(\" Yes \\\"please\\\"\\n" + new string('x', 27) + "…\", not \"Yes \\\"please\\\"\\n" + new string('x', 27) + "…\")");
    }

    [TestMethod]
    public void Strict_Classification_DoesNotRequireTheStop()
    {
        using var folder = new TempFolder();
        var run = Apply(folder, "a.yaml", "- prompt: \"q\\n\\n###\\n\\n\"\n  completion: \" yes\"\n- prompt: q2\n  completion: \" no\"\n", Strict, classification: true);

        Assert.AreEqual("FT3001(3,11)", Codes(run.Diagnostics));
    }

    [TestMethod]
    public void CustomSeparatorAndStop_AreHonoured()
    {
        using var folder = new TempFolder();
        var run = Apply(folder, "a.jsonl", "{\"prompt\": \"q ->\", \"completion\": \" a\"}\n", new FormattingOptions(FormattingMode.Append, " ->", "\n"));

        Assert.AreEqual("", Codes(run.Diagnostics));
        Assert.AreEqual("{\"prompt\": \"q ->\", \"completion\": \" a\\n\"}", run.Output);
    }

    [TestMethod]
    public void SeparatorInsideAYamlLiteralBlock_IsFT3004OnItsLine()
    {
        const string yaml = "- prompt: |-\n    Company: BHFF\n\n    ###\n\n    Ad: text\n    Supported:\n  completion: \" yes END\"\n";
        using var folder = new TempFolder();
        var run = Apply(folder, "a.yaml", yaml, FormattingOptions.Default);

        Assert.AreEqual("FT3004(4,5)", Codes(run.Diagnostics));
        Assert.AreEqual(DiagnosticSeverity.Error, run.Diagnostics.Diagnostics[0].Severity);
    }

    [TestMethod]
    public void SeparatorInsideAPrompt_IsFT3004EvenWhenTheEndIsRight()
    {
        using var folder = new TempFolder();
        var run = Apply(folder, "a.jsonl", "{\"prompt\": \"a\\n\\n###\\n\\nb\\n\\n###\\n\\n\", \"completion\": \" x END\"}\n", Strict);

        Assert.AreEqual("FT3004(1,12)", Codes(run.Diagnostics));
    }

    [TestMethod]
    public void StopInsideAYamlLiteralBlock_IsFT3005OnItsLine()
    {
        const string yaml = "- prompt: \"q\\n\\n###\\n\\n\"\n  completion: |-\n    first line\n    the END of it\n";
        using var folder = new TempFolder();
        var run = Apply(folder, "a.yaml", yaml, FormattingOptions.Default);

        Assert.AreEqual("FT3005(4,8)", Codes(run.Diagnostics));
        Assert.AreEqual("{\"prompt\": \"q\\n\\n###\\n\\n\", \"completion\": \" first line\\nthe END of it END\"}", run.Output);
    }

    [TestMethod]
    public void StopInsideAMoreIndentedLineOfALiteralBlock_IsFT3005AtItsColumn()
    {
        // Line 4 is "      indented END here": the block is indented 4, this line 6; " END" starts at column 15.
        const string yaml = "- prompt: \"q\\n\\n###\\n\\n\"\n  completion: |-\n    first line\n      indented END here\n";
        using var folder = new TempFolder();
        var run = Apply(folder, "a.yaml", yaml, FormattingOptions.Default);

        Assert.AreEqual("FT3005(4,15)", Codes(run.Diagnostics));
    }

    [TestMethod]
    public void StopInsideAFoldedBlock_IsFT3005OnItsSourceLine()
    {
        // Folded (>) text joins lines with spaces, so offsets in the text do not map to source lines: the error
        // points at the scalar itself (the '>' indicator), never past the end of a line.
        const string yaml = "- prompt: \"q\\n\\n###\\n\\n\"\n  completion: >-\n    first line\n    the END of it\n";
        using var folder = new TempFolder();
        var run = Apply(folder, "a.yaml", yaml, FormattingOptions.Default);

        Assert.AreEqual("FT3005(2,15)", Codes(run.Diagnostics));
    }

    [TestMethod]
    public void StopInsideAQuotedCompletion_IsFT3005AtTheValue()
    {
        using var folder = new TempFolder();
        var run = Apply(folder, "a.jsonl", "{\"prompt\": \"q\\n\\n###\\n\\n\", \"completion\": \" The END. END\"}\n", Strict);

        Assert.AreEqual("FT3005(1,42)", Codes(run.Diagnostics));
    }

    [TestMethod]
    public void SeparatorInATemplateBuiltPrompt_IsFT3004AtTheCell()
    {
        using var folder = new TempFolder();
        var source = new SourceFile(folder.Write("ads.csv", "Company,Ad,Label\nAcme,Buy now -> today,yes\nBeta,Fine,no\n"))
        {
            PromptTemplate = "{Company}: {Ad} ->",
            CompletionTemplate = "{Label}",
        };
        var run = Apply(source, new FormattingOptions(FormattingMode.Append, " ->", " END"), classification: true);

        // At the separator itself, inside the Ad cell (which starts at column 6).
        Assert.AreEqual("FT3004(2,13)", Codes(run.Diagnostics));
    }

    [TestMethod]
    public void SeparatorInAMultiLineCell_IsFT3004AtThatCell()
    {
        using var folder = new TempFolder();
        var source = new SourceFile(folder.Write("ads.csv", "Company,Ad,Label\nBeta,Fine,no\nAcme,\"Line one\n\n###\n\nmore\",yes\n"))
        {
            PromptTemplate = "Company: {Company}\\nAd: {Ad}",
            CompletionTemplate = "{Label}",
        };
        var run = Apply(source, FormattingOptions.Default, classification: true);

        // The quoted cell starts on line 3; the separator's ### is on line 5.
        Assert.AreEqual("FT3004(5,1)", Codes(run.Diagnostics));
    }

    [TestMethod]
    public void StopInATemplateBuiltCompletion_IsFT3005AtTheCellItCameFrom()
    {
        using var folder = new TempFolder();
        var source = new SourceFile(folder.Write("gen.csv", "Topic,Answer\nweather,sunny\nnews,The END is near\n"))
        {
            PromptTemplate = "Topic: {Topic}",
            CompletionTemplate = "{Topic} -> {Answer}",
        };
        var run = Apply(source, FormattingOptions.Default);

        // At " END" inside the Answer cell (which starts at column 6).
        Assert.AreEqual("FT3005(3,9)", Codes(run.Diagnostics));
        Assert.AreEqual(
            "{\"prompt\": \"Topic: weather\\n\\n###\\n\\n\", \"completion\": \" weather -> sunny END\"}\n{\"prompt\": \"Topic: news\\n\\n###\\n\\n\", \"completion\": \" news -> The END is near END\"}",
            run.Output);
    }
}
