using System.Text;
using FineTune.Build.EndToEnd.Tests.Infrastructure;

namespace FineTune.Build.EndToEnd.Tests;

/// <summary>
/// Dataset projects in a .NET repository as a team has it: `dotnet new sln`, a console app, an MSTest project, a
/// Directory.Build.props with the base model, and two dataset projects added with `dotnet sln add` and referenced
/// with `dotnet add reference`. One solution is made once for the class; each test runs real commands on it.
/// </summary>
[TestClass]
public sealed class SolutionTests
{
    private static string _root = "";

    [ClassInitialize]
    public static void CreateSolution(TestContext context)
    {
        _ = context;
        var feed = SdkFeed.EnsurePacked();
        _root = Path.Combine(SdkFeed.RunDirectory, "solution-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(_root);
        // The packed SDK, plus nuget.org for the app's and the test project's packages (the machine's package
        // folder first, so nothing is downloaded that is already there).
        var userPackages = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        Write("nuget.config", $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="finetune-e2e" value="{feed}" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
              </packageSources>
              <fallbackPackageFolders>
                <add key="machine" value="{userPackages}" />
              </fallbackPackageFolders>
            </configuration>
            """);
        Write("Directory.Build.props", """
            <Project>
              <PropertyGroup>
                <FineTuneBaseModel>babbage-002</FineTuneBaseModel>
                <!-- Small example datasets: the minimum-size advice does not apply. -->
                <NoWarn>$(NoWarn);FT4030</NoWarn>
              </PropertyGroup>
            </Project>
            """);
        Write("Ads/Ads.proj", $"""
            <Project Sdk="FineTune.Build.Sdk/{SdkFeed.Version}">
              <PropertyGroup>
                <!-- The app gets the compiled JSONL in its output. -->
                <FineTuneCopyToOutputDirectory>PreserveNewest</FineTuneCopyToOutputDirectory>
              </PropertyGroup>
            </Project>
            """);
        Write("Ads/ads.jsonl", Examples("ad"));
        Write("Faq/Faq.proj", $"""<Project Sdk="FineTune.Build.Sdk/{SdkFeed.Version}" />""");
        Write("Faq/faq.jsonl", Examples("faq"));

        Succeed("new", "sln", "-n", "Repo", "--format", "sln");
        Succeed("new", "console", "-o", "App");
        Succeed("new", "mstest", "-o", "App.Tests");
        Succeed("sln", "Repo.sln", "add", "App/App.csproj", "App.Tests/App.Tests.csproj", "Ads/Ads.proj", "Faq/Faq.proj");
        Succeed("add", "App/App.csproj", "reference", "Ads/Ads.proj", "Faq/Faq.proj");
        Succeed("add", "App.Tests/App.Tests.csproj", "reference", "App/App.csproj");
    }

    [TestMethod]
    public void SlnAdd_RecordsTheDatasetProjects()
    {
        var solution = File.ReadAllText(Path.Combine(_root, "Repo.sln"));

        StringAssert.Contains(solution, "Project(\"{13B669BE-BB05-4DDF-9536-439F39A36129}\") = \"Ads\", \"Ads\\Ads.proj\"");
        StringAssert.Contains(solution, "Faq\\Faq.proj");
        StringAssert.Contains(File.ReadAllText(Path.Combine(_root, "App", "App.csproj")), "..\\Ads\\Ads.proj");
    }

    [TestMethod]
    public void DotnetTest_AtTheRoot_RunsTheTests_AndBuildsBothDatasetsWithTheRepositoryModel()
    {
        var result = Succeed("test", "-nodeReuse:false");

        StringAssert.Contains(result.Output, "Passed!");
        AssertNoWarnings(result);
        foreach (var name in new[] { "Ads", "Faq" })
        {
            var train = Path.Combine(_root, name, "bin", "Debug", name + ".train.jsonl");
            Assert.IsTrue(File.Exists(train), train);
            StringAssert.Contains(File.ReadAllText(Path.Combine(_root, name, "bin", "Debug", name + ".report.json")), "\"babbage-002\"", name);
        }

        // The app asked for Ads (FineTuneCopyToOutputDirectory), not for Faq.
        var appOutput = Path.Combine(_root, "App", "bin", "Debug", "net10.0");
        CollectionAssert.AreEqual(File.ReadAllBytes(Path.Combine(_root, "Ads", "bin", "Debug", "Ads.train.jsonl")), File.ReadAllBytes(Path.Combine(appOutput, "Ads.train.jsonl")));
        Assert.IsFalse(File.Exists(Path.Combine(appOutput, "Faq.train.jsonl")));
        Assert.IsFalse(Directory.Exists(Path.Combine(_root, "Ads", "bin", "Debug", "netstandard2.0")), "no target-framework folder");
        Assert.IsFalse(Directory.EnumerateFiles(Path.Combine(_root, "Ads", "bin"), "*.dll", SearchOption.AllDirectories).Any(), "no assembly");
    }

    [TestMethod]
    public void EveryStandardCommand_AtTheRoot_ExitsZero_WithoutWarnings()
    {
        AssertNoWarnings(Succeed("restore"));
        AssertNoWarnings(Succeed("build", "-c", "Release", "-nodeReuse:false"));
        Assert.IsTrue(File.Exists(Path.Combine(_root, "Faq", "bin", "Release", "Faq.train.jsonl")));
        AssertNoWarnings(Succeed("build", "--no-restore", "-nodeReuse:false"));
        AssertNoWarnings(Succeed("build", "-graph", "-nodeReuse:false"));

        var pack = Succeed("pack", "-nodeReuse:false");
        AssertNoWarnings(pack);
        Assert.IsFalse(Directory.EnumerateFiles(_root, "Ads*.nupkg", SearchOption.AllDirectories).Any(), "a dataset is not packable unless asked");

        var publish = Succeed("publish", "-nodeReuse:false");
        AssertNoWarnings(publish);
        Assert.IsTrue(File.Exists(Path.Combine(_root, "App", "bin", "Release", "net10.0", "publish", "Ads.train.jsonl")), publish.ToString());

        AssertNoWarnings(Succeed("clean", "-nodeReuse:false"));
        Assert.IsFalse(File.Exists(Path.Combine(_root, "Ads", "bin", "Debug", "Ads.train.jsonl")), "clean removes the outputs");
    }

    [TestMethod]
    public void Slnx_AddsAndBuildsTheDatasets()
    {
        Succeed("new", "sln", "-n", "RepoX", "--format", "slnx");
        Succeed("sln", "RepoX.slnx", "add", "App/App.csproj", "Ads/Ads.proj", "Faq/Faq.proj");

        var build = Succeed("build", "RepoX.slnx", "-c", "Release", "-p:FineTuneDatasetName=x", "-nodeReuse:false");

        AssertNoWarnings(build);
        Assert.IsTrue(File.Exists(Path.Combine(_root, "Ads", "bin", "Release", "x.train.jsonl")), build.ToString());
        Assert.IsTrue(File.Exists(Path.Combine(_root, "App", "bin", "Release", "net10.0", "x.train.jsonl")), build.ToString());
    }

    private static string Examples(string topic)
    {
        var lines = Enumerable.Range(1, 12).Select(i => $"{{\"prompt\": \"{topic} question {i}\\n\\n###\\n\\n\", \"completion\": \" {topic} answer {i} END\"}}");
        return string.Join("\n", lines) + "\n";
    }

    private static void Write(string relativePath, string content)
    {
        var path = Path.Combine(_root, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content, new UTF8Encoding(false));
    }

    private static DotNetResult Succeed(params string[] arguments)
    {
        var result = DotNet.Run(_root, arguments, timeout: TimeSpan.FromMinutes(6));
        Assert.AreEqual(0, result.ExitCode, result.ToString());
        return result;
    }

    private static void AssertNoWarnings(DotNetResult result)
    {
        var warnings = result.Output.Split('\n').Where(l => l.Contains(" warning ", StringComparison.Ordinal)).Distinct().ToList();
        Assert.IsEmpty(warnings, string.Join("\n", warnings) + "\n" + result);
    }
}
