using FineTune.Build.Diagnostics;

namespace FineTune.Build.Core.Tests.Diagnostics;

[TestClass]
public sealed class DiagnosticPolicyTests
{
    private const DiagnosticSeverity Hidden = DiagnosticSeverity.Hidden;
    private const DiagnosticSeverity Info = DiagnosticSeverity.Info;
    private const DiagnosticSeverity Warning = DiagnosticSeverity.Warning;
    private const DiagnosticSeverity Error = DiagnosticSeverity.Error;

    [TestMethod]
    public void Default_KeepsEverySeverity()
    {
        var policy = DiagnosticPolicy.Default;

        Assert.AreEqual(Info, policy.Apply("FT3006", Info));
        Assert.AreEqual(Warning, policy.Apply("FT1009", Warning));
        Assert.AreEqual(Error, policy.Apply("FT2001", Error));
    }

    [TestMethod]
    public void NoWarn_HidesWarningsAndInfos_NotErrors()
    {
        var policy = new DiagnosticPolicy(noWarn: "FT1009;FT3006;FT2001");

        Assert.AreEqual(Hidden, policy.Apply("FT1009", Warning));
        Assert.AreEqual(Hidden, policy.Apply("FT3006", Info));
        Assert.AreEqual(Error, policy.Apply("FT2001", Error));
        Assert.AreEqual(Warning, policy.Apply("FT0002", Warning));
    }

    [TestMethod]
    public void WarningsAsErrors_PromotesOnlyTheListedWarnings()
    {
        var policy = new DiagnosticPolicy(warningsAsErrors: "FT1009");

        Assert.AreEqual(Error, policy.Apply("FT1009", Warning));
        Assert.AreEqual(Warning, policy.Apply("FT0002", Warning));
        Assert.AreEqual(Info, policy.Apply("FT3006", Info));
    }

    [TestMethod]
    public void TreatWarningsAsErrors_PromotesAllWarningsButWarningsNotAsErrors()
    {
        var policy = new DiagnosticPolicy(warningsNotAsErrors: "FT0002", treatWarningsAsErrors: true);

        Assert.AreEqual(Error, policy.Apply("FT1009", Warning));
        Assert.AreEqual(Warning, policy.Apply("FT0002", Warning));
        Assert.AreEqual(Info, policy.Apply("FT3006", Info));
    }

    [TestMethod]
    public void NoWarn_WinsOverTreatWarningsAsErrors()
    {
        var policy = new DiagnosticPolicy(noWarn: "FT1009", warningsAsErrors: "FT1009", treatWarningsAsErrors: true);

        Assert.AreEqual(Hidden, policy.Apply("FT1009", Warning));
    }

    [TestMethod]
    [DataRow("FT1009;FT0002")]
    [DataRow("FT1009,FT0002")]
    [DataRow(" FT1009 , FT0002 ")]
    [DataRow("FT1009 FT0002")]
    [DataRow("ft1009;;\r\n\tft0002;")]
    [DataRow("CS1591;FT1009;FT0002")]
    public void CodeLists_AcceptMsBuildSeparatorsSpacesAndCase(string list)
    {
        var policy = new DiagnosticPolicy(noWarn: list);

        Assert.AreEqual(Hidden, policy.Apply("FT1009", Warning));
        Assert.AreEqual(Hidden, policy.Apply("FT0002", Warning));
        Assert.AreEqual(Warning, policy.Apply("FT1008", Warning));
    }

    [TestMethod]
    public void Collector_AppliesThePolicy_AndCounts()
    {
        var sunk = new List<Diagnostic>();
        var collector = new DiagnosticCollector(new DiagnosticPolicy(noWarn: "FT3006", warningsAsErrors: "FT1009"), sunk.Add);

        collector.Report(DiagnosticCodes.FormattingApplied, "a.yaml", 1, 1, "hidden");
        collector.Report(DiagnosticCodes.CommaInFlowMapping, "a.yaml", 4, 41, "promoted");
        collector.Report(DiagnosticCodes.NoSources, null, 0, 0, "a warning");

        Assert.AreEqual((1, 1, true), (collector.ErrorCount, collector.WarningCount, collector.HasErrors));
        Assert.AreEqual("a.yaml(4,41): error FT1009: promoted|warning FT0002: a warning", string.Join("|", sunk));
        Assert.AreEqual(2, collector.Diagnostics.Count);
    }

    [TestMethod]
    public void Collector_CapsWhatIsForwarded_AndCountsTheRest()
    {
        var sunk = new List<Diagnostic>();
        var collector = new DiagnosticCollector(sink: sunk.Add, maxReported: 3, maxKept: 4);
        for (var i = 1; i <= 5; i++)
        {
            collector.Report(DiagnosticCodes.UnknownKey, "a.jsonl", i, 1, "error " + i);
            collector.Report(DiagnosticCodes.FormattingApplied, "a.jsonl", i, 1, "info " + i);
        }

        collector.Report(DiagnosticCodes.CommaInFlowMapping, "a.yaml", 9, 9, "late warning");

        Assert.AreEqual((5, 1, 3), (collector.ErrorCount, collector.WarningCount, collector.NotReportedCount));
        Assert.AreEqual("error 1,info 1,error 2,info 2,error 3,info 3,info 4,info 5", string.Join(",", sunk.Select(d => d.Message)));
        Assert.AreEqual(4, collector.MaxKept);
        Assert.AreEqual("error 1,info 1,error 2,info 2", string.Join(",", collector.Diagnostics.Select(d => d.Message)));
    }

    [TestMethod]
    public void Collector_ZeroMeansNoCap()
    {
        var sunk = new List<Diagnostic>();
        var collector = new DiagnosticCollector(sink: sunk.Add, maxReported: 0);
        for (var i = 0; i < 500; i++)
        {
            collector.Report(DiagnosticCodes.UnknownKey, "a.jsonl", i + 1, 1, "e");
        }

        Assert.AreEqual((500, 0, 500), (sunk.Count, collector.NotReportedCount, collector.Diagnostics.Count));
    }

    [TestMethod]
    public void Diagnostic_ToString_IsTheMsBuildCanonicalForm()
    {
        Assert.AreEqual("/d/a.yaml(3,5): error FT2001: Unknown key", new Diagnostic("FT2001", Error, "/d/a.yaml", 3, 5, "Unknown key").ToString());
        Assert.AreEqual("/d/a.csv: warning FT1009: w", new Diagnostic("FT1009", Warning, "/d/a.csv", 0, 0, "w").ToString());
        Assert.AreEqual("info FT3006: i", new Diagnostic("FT3006", Info, null, 0, 0, "i").ToString());
    }

    [TestMethod]
    public void Codes_AreUniqueAndFindable()
    {
        var codes = DiagnosticCodes.All.Select(d => d.Code).ToList();

        Assert.AreEqual(codes.Count, codes.Distinct().Count());
        Assert.IsTrue(codes.All(c => System.Text.RegularExpressions.Regex.IsMatch(c, "^FT[0-9]{4}$")));
        Assert.AreEqual(DiagnosticSeverity.Warning, DiagnosticCodes.Find("FT1009")!.DefaultSeverity);
        Assert.AreEqual(DiagnosticSeverity.Info, DiagnosticCodes.Find("FT3006")!.DefaultSeverity);
        Assert.IsNull(DiagnosticCodes.Find("FT9999"));
    }
}
