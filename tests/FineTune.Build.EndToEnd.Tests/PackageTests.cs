using System.IO.Compression;
using FineTune.Build.EndToEnd.Tests.Infrastructure;

namespace FineTune.Build.EndToEnd.Tests;

/// <summary>What `dotnet pack FineTune.Build.sln` ships, and the `dotnet new finetune-dataset` template.</summary>
[TestClass]
public sealed class PackageTests
{
    [TestMethod]
    public void SdkPackageShipsTheTaskWithItsDependenciesAndTheSchema()
    {
        var package = Path.Combine(SdkFeed.EnsurePacked(), $"FineTune.Build.Sdk.{SdkFeed.Version}.nupkg");
        using var zip = ZipFile.OpenRead(package);
        var entries = zip.Entries.Select(e => e.FullName).ToHashSet();

        foreach (var expected in new[]
        {
            "Sdk/Sdk.props", "Sdk/Sdk.targets", "schemas/finetune-source.schema.json",
            "tasks/net8.0/FineTune.Build.Tasks.dll", "tasks/net8.0/FineTune.Build.Core.dll", "tasks/net8.0/YamlDotNet.dll",
            "tasks/net8.0/Sep.dll", "tasks/net8.0/Microsoft.ML.Tokenizers.dll", "tasks/net8.0/Microsoft.ML.Tokenizers.Data.O200kBase.dll",
            "tasks/net8.0/Microsoft.ML.Tokenizers.Data.Cl100kBase.dll", "tasks/net8.0/Microsoft.ML.Tokenizers.Data.R50kBase.dll",
            "tasks/net8.0/OpenAI.dll", "tasks/net8.0/Models/models.json",
            "tasks/net10.0/FineTune.Build.Tasks.dll", "tasks/net10.0/FineTune.Build.Tasks.deps.json", "tasks/net10.0/FineTune.Build.Core.dll",
            "tasks/net10.0/YamlDotNet.dll", "tasks/net10.0/Sep.dll", "tasks/net10.0/Microsoft.ML.Tokenizers.dll",
            "tasks/net10.0/Microsoft.ML.Tokenizers.Data.Cl100kBase.dll", "tasks/net10.0/Models/models.json",
        })
        {
            Assert.IsTrue(entries.Contains(expected), $"{expected} is in the package");
        }

        Assert.IsFalse(entries.Any(e => e.StartsWith("lib/", StringComparison.Ordinal)), "an SDK package has no lib/ folder");
        Assert.IsFalse(entries.Contains("tasks/net10.0/OpenAI.dll"), "tasks/net10.0/ holds only the compile task's closure; training loads from tasks/net8.0/");
        Assert.IsTrue(IsReadyToRun(zip, "tasks/net10.0/FineTune.Build.Core.dll"), "the net10.0 core library carries ReadyToRun code");
        Assert.IsFalse(IsReadyToRun(zip, "tasks/net8.0/FineTune.Build.Core.dll"), "the net8.0 folder stays IL only");
        Assert.IsFalse(entries.Any(e => e.Contains("Microsoft.Build.", StringComparison.Ordinal) && e.EndsWith(".dll", StringComparison.Ordinal)), "MSBuild's own assemblies come from the running MSBuild");

        using var nuspec = new StreamReader(zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open());
        var xml = nuspec.ReadToEnd();
        StringAssert.Contains(xml, "<packageType name=\"MSBuildSdk\" />");
        Assert.IsFalse(xml.Contains("<dependency "), "the package needs nothing else from the feed");
    }

    [TestMethod]
    public void DotnetNewTemplateCreatesAProjectThatBuilds()
    {
        var feed = SdkFeed.EnsurePacked();
        var hive = Path.Combine(SdkFeed.RunDirectory, "template-hive");
        var workspace = Path.Combine(SdkFeed.RunDirectory, "template-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(workspace);

        var install = DotNet.Run(workspace, ["new", "install", Path.Combine(feed, $"FineTune.Build.Templates.{SdkFeed.Version}.nupkg"), "--debug:custom-hive", hive]);
        Assert.AreEqual(0, install.ExitCode, install.ToString());
        var create = DotNet.Run(workspace, ["new", "finetune-dataset", "-n", "Support", "-o", "Support", "--SdkVersion", SdkFeed.Version, "--debug:custom-hive", hive]);
        Assert.AreEqual(0, create.ExitCode, create.ToString());

        var project = Path.Combine(workspace, "Support");
        File.WriteAllText(Path.Combine(project, "nuget.config"), $"""
            <configuration><packageSources><clear /><add key="feed" value="{feed}" /></packageSources></configuration>
            """);
        var build = DotNet.Run(project, ["build", "-nodeReuse:false", "-p:FineTuneLifecycleDate=2026-11-25"]);

        Assert.AreEqual(0, build.ExitCode, build.ToString());
        StringAssert.Contains(build.Output, "Support: 10 example(s)");
        Assert.IsTrue(File.Exists(Path.Combine(project, "bin", "Debug", "Support.train.jsonl")));
    }

    /// <summary>Whether the assembly in the package has a ReadyToRun header (the CLI header's managed native header).</summary>
    private static bool IsReadyToRun(ZipArchive zip, string entry)
    {
        using var stream = new MemoryStream();
        using (var source = zip.GetEntry(entry)!.Open())
        {
            source.CopyTo(stream);
        }

        stream.Position = 0;
        using var pe = new System.Reflection.PortableExecutable.PEReader(stream);
        return pe.PEHeaders.CorHeader!.ManagedNativeHeaderDirectory.Size > 0;
    }
}
