using FineTune.Build.Diagnostics;
using FineTune.Build.Documents;
using FineTune.Build.Examples;
using FineTune.Build.Models;
using FineTune.Build.Rules;
using FineTune.Build.Sources;
using FineTune.Build.Tokens;
using static FineTune.Build.Core.Tests.TestFiles;

namespace FineTune.Build.Core.Tests.Rules;

/// <summary>
/// Runs per-example rules the way the compiler does: a source file read by its real reader, bound by the real
/// binder, then each example checked with a fresh <see cref="RuleContext"/>.
/// </summary>
internal static class RuleHarness
{
    public const string DefaultModel = "gpt-4o-mini-2024-07-18";

    public static ModelEntry Model(string name = DefaultModel) => ModelCatalog.LoadDefault().Lookup(name).Entry;

    /// <summary>Reads and binds every record; the test data must bind without any diagnostic.</summary>
    public static List<Example> Bind(SourceFile source, DatasetFormat format)
    {
        var diagnostics = Collector();
        var binder = new ExampleBinder(diagnostics);
        var examples = Read(source, diagnostics).Select(r => binder.Bind(source, r, format)).ToList();
        Assert.AreEqual("", TestFiles.Codes(diagnostics), "the test data must bind cleanly");
        Assert.IsTrue(examples.All(e => e is not null));
        return examples!;
    }

    public static List<Example> Bind(TempFolder folder, string name, string text, DatasetFormat format)
        => Bind(new SourceFile(folder.Write(name, text)), format);

    /// <summary>The raw records as examples, without the binder (for shapes the binder already rejects).</summary>
    public static List<Example> Unbound(TempFolder folder, string name, string text, DatasetFormat format)
    {
        var source = new SourceFile(folder.Write(name, text));
        var diagnostics = Collector();
        var records = Read(source, diagnostics);
        Assert.AreEqual("", TestFiles.Codes(diagnostics));
        return records.Select(r => new Example(source, r.Ordinal, format, r.Node, null, SplitPin.None)).ToList();
    }

    public static List<Diagnostic> Check(IExampleRule rule, IEnumerable<Example> examples, ModelEntry? model = null, string modelName = DefaultModel)
    {
        var entry = model ?? Model(modelName);
        var all = new List<Diagnostic>();
        foreach (var example in examples)
        {
            var context = new RuleContext(entry, modelName, () => TokenCounter.ForCurrentThread(entry.Tokenizer));
            rule.Check(example, context);
            all.AddRange(context.Pending);
        }

        return all;
    }

    /// <summary>Writes one JSONL (or YAML, by the name's extension) file, binds it and runs the rule.</summary>
    public static List<Diagnostic> Check(IExampleRule rule, string name, string text, DatasetFormat format = DatasetFormat.Chat)
    {
        using var folder = new TempFolder();
        return Check(rule, Bind(folder, name, text, format));
    }

    public static string Codes(IEnumerable<Diagnostic> diagnostics)
        => string.Join(" ", diagnostics.Select(d => $"{d.Code}({d.Line},{d.Column})"));

    /// <summary>The 1-based column of the <paramref name="occurrence"/>-th <paramref name="fragment"/> in <paramref name="line"/>.</summary>
    public static int Col(string line, string fragment, int occurrence = 1)
    {
        var at = -1;
        for (var i = 0; i < occurrence; i++)
        {
            at = line.IndexOf(fragment, at + 1, StringComparison.Ordinal);
            Assert.IsGreaterThanOrEqualTo(0, at, $"'{fragment}' (occurrence {occurrence}) is not in the test line");
        }

        return at + 1;
    }

    /// <summary>The only diagnostic, checked for code, place and severity.</summary>
    public static Diagnostic Single(IReadOnlyList<Diagnostic> diagnostics, string code, int line, int column, DiagnosticSeverity severity)
    {
        Assert.AreEqual($"{code}({line},{column})", Codes(diagnostics));
        Assert.AreEqual(severity, diagnostics[0].Severity);
        return diagnostics[0];
    }

    public static string Json(Node node) => TestFiles.Json(node);
}
