using FineTune.Build.Diagnostics;

namespace FineTune.Build.Core.Tests.Diagnostics;

/// <summary>FineTuneMaxDiagnostics=0 forwards every diagnostic to the log, but the report keeps a bounded number.</summary>
[TestClass]
public sealed class DiagnosticCapTests
{
    [TestMethod]
    public void NoLogCap_StillKeepsAtMostTheKeptLimit_AndCountsTheRest()
    {
        var forwarded = 0;
        var collector = new DiagnosticCollector(sink: _ => forwarded++, maxReported: 0);
        const int Reported = DiagnosticCollector.KeptLimit + 25_000;
        for (var i = 0; i < Reported; i++)
        {
            collector.Report(DiagnosticCodes.UnknownKey, "a.jsonl", i + 1, 1, "e");
        }

        Assert.AreEqual(Reported, forwarded, "the log still gets every one");
        Assert.AreEqual(Reported, collector.ErrorCount);
        Assert.AreEqual(DiagnosticCollector.KeptLimit, collector.Diagnostics.Count);
        Assert.AreEqual(25_000, collector.NotKeptCount);
        Assert.AreEqual(DiagnosticCollector.KeptLimit, collector.Diagnostics[^1].Line);
    }
}
