using static FineTune.Build.Core.Tests.TestFiles;

namespace FineTune.Build.Core.Tests.Sources;

/// <summary>Malformed or unusual input users do write: each must become located diagnostics, never a crash.</summary>
[TestClass]
public sealed class EdgeCaseTests
{
    [TestMethod]
    public void Jsonl_LoneSurrogateEscape_IsADiagnosticNotACrash()
    {
        // Python's json.loads accepts "\ud800"; .NET cannot hold it in a string. Either way it must not throw.
        using var folder = new TempFolder();
        var (records, diagnostics) = ReadText(folder, "a.jsonl",
            "{\"prompt\": \"\\ud800\", \"completion\": \"x\"}\n{\"prompt\": \"b\", \"completion\": \"c\"}\n");

        Assert.AreEqual("FT1004(1,12)", Codes(diagnostics));
        Assert.HasCount(1, records);
    }

    [TestMethod]
    public void Yaml_ExamplesNotAList_IsOneFT1007()
    {
        using var folder = new TempFolder();
        var (records, diagnostics) = ReadText(folder, "a.yaml", "examples: 5\n");

        Assert.IsEmpty(records);
        Assert.AreEqual("FT1007(1,11)", Codes(diagnostics));
    }

    [TestMethod]
    [DataRow("prompt,completion\na,b\n\n")]
    [DataRow("prompt,completion\r\na,b\r\n\r\n")]
    [DataRow("prompt,completion\na,b\n\n\n")]
    public void Csv_TrailingBlankLines_AreNotRows(string text)
    {
        // Editors and spreadsheet exports often leave an empty last line; Python's csv and pandas skip it.
        using var folder = new TempFolder();
        var (records, diagnostics) = ReadText(folder, "a.csv", text);

        Assert.AreEqual("", Codes(diagnostics));
        Assert.HasCount(1, records);
    }

    [TestMethod]
    public void Csv_BomOnlyFile_IsFT1005HeaderRequired()
    {
        using var folder = new TempFolder();
        var (records, diagnostics) = ReadBytes(folder, "a.csv", [0xEF, 0xBB, 0xBF]);

        Assert.IsEmpty(records);
        Assert.AreEqual("FT1005(1,1)", Codes(diagnostics));
    }
}
