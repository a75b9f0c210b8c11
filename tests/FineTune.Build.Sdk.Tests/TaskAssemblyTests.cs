namespace FineTune.Build.Sdk.Tests;

/// <summary>
/// Which of the package's task folders each task loads from: on the .NET SDK's MSBuild (.NET 10 here) the dataset
/// compile uses tasks/net10.0/ (ReadyToRun code) when the package has it; training and evaluation, and a project
/// that sets FineTuneTasksAssembly, use tasks/net8.0/ or that path. The Sdk files are copied into a package-shaped
/// folder (Sdk/, tasks/net8.0/, tasks/net10.0/) so the targets see the layout they ship in.
/// </summary>
[TestClass]
public sealed class TaskAssemblyTests
{
    [TestMethod]
    public void DotNet10MSBuild_CompilesWithTheReadyToRunBuild_AndTrainsWithTheNet8Build()
    {
        using var package = new PackageLayout(withNet10: true);
        using var project = SdkProject.In(package.ProjectDirectory, "ads");
        project.WriteFile("ads.proj", package.ProjectXml(""));

        var instance = project.Instance();

        Assert.AreEqual(package.TaskPath("net10.0"), Normalize(instance.GetPropertyValue("_FineTuneCompileTasksAssembly")));
        Assert.AreEqual(package.TaskPath("net8.0"), Normalize(instance.GetPropertyValue("FineTuneTasksAssembly")));
    }

    [TestMethod]
    public void PackageWithoutTheNet10Folder_CompilesWithTheNet8Build()
    {
        using var package = new PackageLayout(withNet10: false);
        using var project = SdkProject.In(package.ProjectDirectory, "ads");
        project.WriteFile("ads.proj", package.ProjectXml(""));

        var instance = project.Instance();

        Assert.AreEqual(package.TaskPath("net8.0"), Normalize(instance.GetPropertyValue("_FineTuneCompileTasksAssembly")));
    }

    [TestMethod]
    public void FineTuneTasksAssemblySetByTheProject_IsUsedForEveryTask()
    {
        using var package = new PackageLayout(withNet10: true);
        using var project = SdkProject.In(package.ProjectDirectory, "ads");
        var own = Path.Combine(package.ProjectDirectory, "mine", "FineTune.Build.Tasks.dll");
        project.WriteFile("ads.proj", package.ProjectXml($"<PropertyGroup><FineTuneTasksAssembly>{own}</FineTuneTasksAssembly></PropertyGroup>"));

        var instance = project.Instance();

        Assert.AreEqual(own, instance.GetPropertyValue("_FineTuneCompileTasksAssembly"));
        Assert.AreEqual(own, instance.GetPropertyValue("FineTuneTasksAssembly"));
    }

    private static string Normalize(string path) => Path.GetFullPath(path);

    /// <summary>The package's shape in a temporary folder: Sdk/ (copied from source), tasks/&lt;tfm&gt;/ with an empty task file.</summary>
    private sealed class PackageLayout : IDisposable
    {
        public PackageLayout(bool withNet10)
        {
            Root = Path.Combine(Path.GetTempPath(), "finetune-sdk-tests", "package-" + Guid.NewGuid().ToString("N")[..8]);
            var sdk = Path.Combine(Root, "Sdk");
            Directory.CreateDirectory(sdk);
            foreach (var file in Directory.GetFiles(SdkProject.SdkDirectory))
            {
                File.Copy(file, Path.Combine(sdk, Path.GetFileName(file)));
            }

            foreach (var framework in withNet10 ? new[] { "net8.0", "net10.0" } : ["net8.0"])
            {
                Directory.CreateDirectory(Path.GetDirectoryName(TaskPath(framework))!);
                File.WriteAllBytes(TaskPath(framework), []);
            }

            ProjectDirectory = Path.Combine(Root, "project");
            Directory.CreateDirectory(ProjectDirectory);
        }

        public string Root { get; }

        public string ProjectDirectory { get; }

        public string TaskPath(string framework) => Path.Combine(Root, "tasks", framework, "FineTune.Build.Tasks.dll");

        public string ProjectXml(string body) => $"""
            <Project>
              <Import Project="{Path.Combine(Root, "Sdk", "Sdk.props")}" />
            {body}
              <Import Project="{Path.Combine(Root, "Sdk", "Sdk.targets")}" />
            </Project>
            """;

        public void Dispose()
        {
            try
            {
                Directory.Delete(Root, recursive: true);
            }
            catch (IOException)
            {
                // Under the temp folder anyway.
            }
        }
    }
}
