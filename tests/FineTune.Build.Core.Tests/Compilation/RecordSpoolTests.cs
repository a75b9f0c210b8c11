using FineTune.Build.Compilation;
using FineTune.Build.Diagnostics;
using FineTune.Build.Documents;
using FineTune.Build.Sources;

namespace FineTune.Build.Core.Tests.Compilation;

/// <summary>
/// The spool gives back exactly what was read: every node, location and text, and the diagnostics between; past its
/// 64 KB buffer, and past a small memory budget into a file.
/// </summary>
[TestClass]
public sealed class RecordSpoolTests
{
    private static string Describe(Node node) => node switch
    {
        ScalarNode s => $"S{s.Line}:{s.Column}:{s.Kind}:{s.IsBlock}:{s.AddedPrefix}:[{string.Join(",", s.Segments ?? [])}]:{string.Join(" ", s.Text.Select(c => ((int)c).ToString("x")))}",
        ArrayNode a => $"A{a.Line}:{a.Column}[{string.Join(";", a.Items.Select(Describe))}]",
        ObjectNode o => $"O{o.Line}:{o.Column}{{{string.Join(";", o.Properties.Select(p => $"{p.Name}@{p.Line}:{p.Column}={Describe(p.Value)}"))}}}",
        _ => throw new AssertFailedException(node.GetType().Name),
    };

    private static SourceRecord Record(int i)
    {
        var text = new ScalarNode(ScalarKind.String, $"Ünïcode {i} \ud83d\ude00 and a lone \ud800 surrogate", i + 1, 3)
        {
            Segments = [new TextSegment(0, 4, i + 1, 5), new TextSegment(4, 3, i + 2, 1)],
            AddedPrefix = 1,
        };
        var list = new ArrayNode([new ScalarNode(ScalarKind.Number, "1.50", i + 1, 9), new ScalarNode(ScalarKind.Plain, "", i + 1, 12) { IsBlock = true }], i + 1, 8);
        return new SourceRecord(new ObjectNode([new Property("prompt", i + 1, 1, text), new Property("tags", i + 1, 7, list)], i + 1, 1), i);
    }

    [TestMethod]
    [DataRow(1 << 20, false)]
    [DataRow(256, true)]
    public void ReplaysRecordsAndDiagnosticsInOrder(int memoryBudget, bool spills)
    {
        using var folder = new TempFolder();
        var expected = new List<string>();
        string? spoolFile;
        using (var spool = new RecordSpool(folder.Path, "ads", memoryBudget))
        {
            for (var source = 0; source < 2; source++)
            {
                for (var i = 0; i < 1500; i++)
                {
                    if (i % 7 == 0)
                    {
                        spool.AddDiagnostics([new ReceivedDiagnostic("FT1003", DiagnosticSeverity.Error, i % 2 == 0 ? null : "a.yaml", i, 2, $"bad {source}/{i}")]);
                        expected.Add($"FT1003 Error {(i % 2 == 0 ? "" : "a.yaml")} {i}:2 bad {source}/{i}");
                    }

                    spool.AddRecord(Record(i));
                    expected.Add($"#{i} {Describe(Record(i).Node)}");
                }

                spool.EndSource();
            }

            spoolFile = spool.FilePath;
            Assert.AreEqual(spills, spoolFile is not null && File.Exists(spoolFile));

            var actual = new List<string>();
            var diagnostics = new DiagnosticCollector(sink: d => actual.Add($"{d.Code} {d.Severity} {d.File} {d.Line}:{d.Column} {d.Message}"), maxReported: 0);
            for (var source = 0; source < 2; source++)
            {
                foreach (var record in spool.Replay(diagnostics))
                {
                    actual.Add($"#{record.Ordinal} {Describe(record.Node)}");
                }
            }

            CollectionAssert.AreEqual(expected, actual);
        }

        Assert.IsTrue(spoolFile is null || !File.Exists(spoolFile), "the spool file is deleted on dispose");
    }
}
