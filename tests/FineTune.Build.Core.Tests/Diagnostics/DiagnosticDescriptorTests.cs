using FineTune.Build.Diagnostics;

namespace FineTune.Build.Core.Tests.Diagnostics;

/// <summary>Descriptors format messages and link to docs/rules.md; the registry refuses a code defined twice.</summary>
[TestClass]
public sealed class DiagnosticDescriptorTests
{
    private static readonly DiagnosticDescriptor Sample = new("FT9001", DiagnosticSeverity.Warning, "Test", "A sample", "Value '{0}' is above {1}.");

    [TestMethod]
    public void FormatMessage_FillsInTheCompositeFormat_Invariantly()
    {
        Assert.AreEqual("Value 'x' is above 1.5.", Sample.FormatMessage("x", 1.5));
        Assert.AreEqual("Value '{0}' is above {1}.", Sample.FormatMessage(), "no arguments: the format as it is, as MSBuild does");
    }

    [TestMethod]
    public void HelpLink_IsTheRulesPageAnchoredAtTheLowerCaseCode()
    {
        Assert.AreEqual(DiagnosticDescriptor.HelpLinkBase + "#ft9001", Sample.HelpLink);
        var diagnostic = new Diagnostic("FT6001", DiagnosticSeverity.Warning, "a.yaml", 3, 4, "dup");
        Assert.AreEqual(DiagnosticDescriptor.HelpLinkBase + "#ft6001", diagnostic.HelpLink);
        Assert.AreEqual(new Location("a.yaml", 3, 4), diagnostic.Location);
    }

    [TestMethod]
    public void FullDescription_IsTheDescription_ElseTheTitle()
    {
        Assert.AreEqual("A sample", Sample.FullDescription);
        Assert.AreEqual("Longer.", (Sample with { Description = "Longer." }).FullDescription);
    }

    [TestMethod]
    public void Collector_ReportsTheFormattedMessage_AtTheLocation_WithThePolicy()
    {
        var seen = new List<Diagnostic>();
        var collector = new DiagnosticCollector(new DiagnosticPolicy(warningsAsErrors: "FT9001"), seen.Add);
        collector.Report(Sample, new Location("data/a.yaml", 7, 9), "limit", 3);
        collector.Report(Sample, Location.None, "other", 4);
        Assert.HasCount(2, seen);
        Assert.AreEqual("data/a.yaml(7,9): error FT9001: Value 'limit' is above 3.", seen[0].ToString());
        Assert.AreEqual("error FT9001: Value 'other' is above 4.", seen[1].ToString());
        Assert.AreEqual(2, collector.ErrorCount);
    }

    [TestMethod]
    public void Registry_FindsByCode_InCodeOrder_AndRefusesDuplicates()
    {
        var other = new DiagnosticDescriptor("FT9000", DiagnosticSeverity.Error, "Test", "Other");
        var registry = new DiagnosticRegistry([Sample], [other]);
        CollectionAssert.AreEqual(new[] { "FT9000", "FT9001" }, registry.All.Select(d => d.Code).ToArray());
        Assert.AreSame(Sample, registry.Find("FT9001"));
        Assert.IsNull(registry.Find("FT9002"));
        Assert.ThrowsExactly<ArgumentException>(() => new DiagnosticRegistry([Sample], [Sample with { Title = "Again" }]));
    }

    [TestMethod]
    public void Location_PrintsTheCanonicalPrefix()
    {
        Assert.AreEqual("a.yaml(2,5)", new Location("a.yaml", 2, 5).ToString());
        Assert.AreEqual("a.yaml", new Location("a.yaml").ToString());
        Assert.AreEqual("", Location.None.ToString());
    }
}
