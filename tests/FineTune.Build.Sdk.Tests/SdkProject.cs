using System.Text;
using Microsoft.Build.Evaluation;
using Microsoft.Build.Execution;

namespace FineTune.Build.Sdk.Tests;

/// <summary>
/// A dataset project in a fresh temporary folder (outside the repository, so its Directory.Build.props does not
/// apply) that imports the repository's Sdk/Sdk.props and Sdk/Sdk.targets from source, exactly where
/// <c>Sdk="FineTune.Build.Sdk"</c> would, and evaluates it in process with the running SDK's MSBuild.
/// </summary>
public sealed class SdkProject : IDisposable
{
    private readonly ProjectCollection _collection = new();

    public SdkProject(string name = "ads")
        : this(Path.Combine(Path.GetTempPath(), "finetune-sdk-tests", Guid.NewGuid().ToString("N")[..8]), name)
    {
    }

    private SdkProject(string directory, string name)
    {
        Name = name;
        Directory = directory;
        System.IO.Directory.CreateDirectory(Directory);
    }

    /// <summary>A project in <paramref name="directory"/> (e.g. a subfolder of another test project's folder).</summary>
    public static SdkProject In(string directory, string name) => new(directory, name);

    public string Name { get; }

    public string Directory { get; }

    public string ProjectFile => Path.Combine(Directory, Name + ".proj");

    /// <summary>src/FineTune.Build.Sdk/Sdk in the repository the tests run from.</summary>
    public static string SdkDirectory { get; } = FindSdkDirectory();

    public string WriteFile(string relativePath, string content)
    {
        var path = Path.Combine(Directory, relativePath);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content, new UTF8Encoding(false));
        return path;
    }

    /// <summary>Writes the project: <paramref name="body"/> is raw XML between the SDK's props and targets.</summary>
    public void WriteProject(string body = "")
        => WriteFile(Name + ".proj", $"""
            <Project>
              <Import Project="{Path.Combine(SdkDirectory, "Sdk.props")}" />
            {body}
              <Import Project="{Path.Combine(SdkDirectory, "Sdk.targets")}" />
            </Project>
            """);

    public Project Evaluate(IDictionary<string, string>? globalProperties = null)
        => _collection.LoadProject(ProjectFile, globalProperties ?? new Dictionary<string, string>(), toolsVersion: null);

    public ProjectInstance Instance(IDictionary<string, string>? globalProperties = null)
        => Evaluate(globalProperties).CreateProjectInstance();

    public void Dispose()
    {
        _collection.UnloadAllProjects();
        _collection.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // The folder is under the temp folder anyway.
        }
    }

    private static string FindSdkDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "FineTune.Build.sln")))
            {
                return Path.Combine(dir.FullName, "src", "FineTune.Build.Sdk", "Sdk");
            }
        }

        throw new InvalidOperationException("FineTune.Build.sln not found above " + AppContext.BaseDirectory);
    }
}
