using FineTune.Build.Diagnostics;

namespace FineTune.Build.Core.Tests.Diagnostics;

/// <summary>Project-level findings point at the element the fix changes, so every diagnostic has file(line,col).</summary>
[TestClass]
public sealed class ProjectFileLocatorTests
{
    private const string Project = """
        <Project Sdk="FineTune.Build.Sdk/1.0.0">
          <PropertyGroup>
            <NoWarn>$(NoWarn);FT4030</NoWarn>
              <FineTuneBaseModel>babbage-002</FineTuneBaseModel>
            <FineTuneValidationFraction>0.9</FineTuneValidationFraction>
          </PropertyGroup>
          <ItemGroup>
            <FineTuneSource Include="data/other.csv" />
            <FineTuneSource Update="data\ads.csv" PromptTemplate="{nope}" />
          </ItemGroup>
        </Project>
        """;

    [TestMethod]
    public void ModelFinding_PointsAtFineTuneBaseModel()
    {
        using var folder = new TempFolder();
        var project = folder.Write("p/ads.proj", Project);
        var locator = new ProjectFileLocator(project);

        var placed = locator.Place(new Diagnostic("FT4003", DiagnosticSeverity.Error, project, 0, 0, "retired"));

        Assert.AreEqual($"{project}(4,7): error FT4003: retired", placed.ToString());
    }

    [TestMethod]
    public void ModelFinding_InDirectoryBuildProps_PointsThere_ElseTheFirstLine()
    {
        using var folder = new TempFolder();
        var props = folder.Write("Directory.Build.props", "<Project>\n  <PropertyGroup>\n    <FineTuneBaseModel>davinci-002</FineTuneBaseModel>\n  </PropertyGroup>\n</Project>\n");
        var project = folder.Write("p/ads.proj", "<Project Sdk=\"FineTune.Build.Sdk/1.0.0\">\n</Project>\n");

        Assert.AreEqual(new Location(props, 3, 5), new ProjectFileLocator(project).BaseModel());

        File.Delete(props);
        Assert.AreEqual(new Location(project, 1, 1), new ProjectFileLocator(project).BaseModel());
    }

    [TestMethod]
    public void SettingFinding_PointsAtTheProperty_TemplateFinding_AtTheSourceItem()
    {
        using var folder = new TempFolder();
        var project = folder.Write("p/ads.proj", Project);
        var locator = new ProjectFileLocator(project);

        var setting = locator.Place(new Diagnostic("FT0001", DiagnosticSeverity.Error, null, 0, 0, "FineTuneValidationFraction is '0.9', which is not valid: use 0 to 0.5."));
        Assert.AreEqual((project, 5, 5), (setting.File, setting.Line, setting.Column));

        Assert.AreEqual(new Location(project, 9, 5), locator.SourceItem(folder.File("p/data/ads.csv")));
        Assert.AreEqual(new Location(project, 8, 5), locator.SourceItem("data/other.csv"));
        Assert.AreEqual(new Location(project, 8, 5), locator.SourceItem("data/unlisted.csv"), "an unlisted source: the first FineTuneSource item");
    }

    [TestMethod]
    public void OtherFindings_GoToTheFirstLine_LocatedOnesStay_BadXmlIsTheFirstLine()
    {
        using var folder = new TempFolder();
        var project = folder.Write("p/ads.proj", Project);
        var locator = new ProjectFileLocator(project);

        Assert.AreEqual("FT4031(1,1)", Short(locator.Place(new Diagnostic("FT4031", DiagnosticSeverity.Error, project, 0, 0, "few"))));
        Assert.AreEqual("FT7001(1,1)", Short(locator.Place(new Diagnostic("FT7001", DiagnosticSeverity.Error, null, 0, 0, "no key"))));
        var located = new Diagnostic("FT2001", DiagnosticSeverity.Error, folder.File("p/a.yaml"), 3, 5, "unknown key");
        Assert.AreSame(located, locator.Place(located));

        var broken = folder.Write("q/bad.proj", "<Project <PropertyGroup><FineTuneBaseModel>x</FineTuneBaseModel></PropertyGroup></Project>");
        Assert.AreEqual(new Location(broken, 1, 1), new ProjectFileLocator(broken).BaseModel());
    }

    [TestMethod]
    public void Collector_PlacesBeforeKeepingAndForwarding_AndCountsPerFile()
    {
        using var folder = new TempFolder();
        var project = folder.Write("p/ads.proj", Project);
        var locator = new ProjectFileLocator(project);
        var forwarded = new List<Diagnostic>();
        var collector = new DiagnosticCollector(sink: forwarded.Add, maxReported: 1, maxKept: 1) { Placement = locator.Place };

        collector.Report(DiagnosticCodes.ModelRetired, project, 0, 0, "retired");
        collector.Report(DiagnosticCodes.UnknownKey, folder.File("p/a.yaml"), 2, 3, "x");
        collector.Report(DiagnosticCodes.UnknownKey, folder.File("p/a.yaml"), 4, 3, "y");

        Assert.AreEqual("FT4003(4,7)", Short(forwarded.Single()));
        Assert.AreEqual("FT4003(4,7)", Short(collector.Diagnostics.Single()));
        Assert.AreEqual((0, 2), (collector.CountsByFile[folder.File("p/a.yaml")].Warnings, collector.CountsByFile[folder.File("p/a.yaml")].Errors));
        Assert.AreEqual(1, collector.CountsByFile[project].Errors);
    }

    private static string Short(Diagnostic d) => $"{d.Code}({d.Line},{d.Column})";
}
