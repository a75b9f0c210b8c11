using System.Text;
using System.Text.RegularExpressions;

namespace FineTune.Build.EndToEnd.Tests.Infrastructure;

/// <summary>
/// A dataset project in a fresh temporary folder that consumes the packed SDK through its own nuget.config, as a
/// user's repository would. Build and publish run the real `dotnet` CLI.
/// </summary>
public sealed partial class TestProject
{
    private TestProject(string directory, string name)
    {
        Directory = directory;
        Name = name;
    }

    public string Directory { get; }

    public string Name { get; }

    public string ProjectFile => Path.Combine(Directory, Name + ".proj");

    /// <summary>bin/Debug/ (the default FineTuneOutputPath).</summary>
    public string OutputDirectory => Path.Combine(Directory, "bin", "Debug");

    public string TrainFile => Path.Combine(OutputDirectory, Name + ".train.jsonl");

    public string ValidationFile => Path.Combine(OutputDirectory, Name + ".validation.jsonl");

    /// <summary>Creates a project whose file holds <paramref name="properties"/> and <paramref name="items"/> (raw XML).</summary>
    public static TestProject Create(string name = "dataset", string properties = "", string items = "")
    {
        var feed = SdkFeed.EnsurePacked();
        var directory = Path.Combine(SdkFeed.RunDirectory, "projects", name + "-" + Guid.NewGuid().ToString("N")[..8]);
        System.IO.Directory.CreateDirectory(directory);
        var project = new TestProject(directory, name);
        project.WriteFile("nuget.config", $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="finetune-e2e" value="{feed}" />
              </packageSources>
            </configuration>
            """);
        project.WriteProject(properties, items);
        return project;
    }

    public void WriteProject(string properties = "", string items = "")
        => WriteFile(Name + ".proj", $"""
            <Project Sdk="FineTune.Build.Sdk/{SdkFeed.Version}">
              <PropertyGroup>
            {properties}
              </PropertyGroup>
              <ItemGroup>
            {items}
              </ItemGroup>
            </Project>
            """);

    public string WriteFile(string relativePath, string content)
    {
        var path = Path.Combine(Directory, relativePath);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content, new UTF8Encoding(false));
        return path;
    }

    public string CopyFile(string sourcePath, string? relativePath = null)
    {
        var path = Path.Combine(Directory, relativePath ?? Path.GetFileName(sourcePath));
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.Copy(sourcePath, path, overwrite: true);
        return path;
    }

    public string PathOf(string relativePath) => Path.Combine(Directory, relativePath);

    /// <summary>The padding file's name: sorts after the test's own sources, so their examples come first.</summary>
    public const string PaddingFile = "zz-padding.jsonl";

    /// <summary>
    /// Adds <paramref name="count"/> distinct valid examples (the API needs at least 10 in the training file), in a
    /// file that sorts last so a test's own examples keep the first lines of the output.
    /// </summary>
    public void AddPadding(string format = "completion", int count = 10)
    {
        var lines = Enumerable.Range(1, count).Select(i => format switch
        {
            "chat" => $"{{\"messages\": [{{\"role\": \"user\", \"content\": \"Padding question {i}?\"}}, {{\"role\": \"assistant\", \"content\": \"Padding answer {i}.\"}}]}}",
            "preference" => $"{{\"input\": {{\"messages\": [{{\"role\": \"user\", \"content\": \"Padding question {i}?\"}}]}}, \"preferred_output\": [{{\"role\": \"assistant\", \"content\": \"Good answer {i}.\"}}], \"non_preferred_output\": [{{\"role\": \"assistant\", \"content\": \"Bad answer {i}.\"}}]}}",
            _ => $"{{\"prompt\": \"Padding prompt {i}\\n\\n###\\n\\n\", \"completion\": \" padding completion {i} END\"}}",
        });
        WriteFile(PaddingFile, string.Join("\n", lines) + "\n");
    }

    public DotNetResult Build(params string[] arguments) => Run("build", arguments);

    public DotNetResult Publish(IDictionary<string, string?>? environment, params string[] arguments) => Run("publish", arguments, environment);

    public DotNetResult Clean(params string[] arguments) => Run("clean", arguments);

    public DotNetResult Run(string command, string[] arguments, IDictionary<string, string?>? environment = null)
        => DotNet.Run(Directory, [command, ProjectFile, "-nodeReuse:false", .. arguments], environment);

    /// <summary>The build's diagnostics in MSBuild's canonical form, each once (the summary repeats them).</summary>
    public static IReadOnlyList<BuildDiagnostic> Diagnostics(DotNetResult result)
        => DiagnosticPattern().Matches(result.Output)
            .Select(m => new BuildDiagnostic(m.Groups["file"].Value.Trim(), int.Parse(m.Groups["line"].Value), int.Parse(m.Groups["col"].Value),
                m.Groups["level"].Value, m.Groups["code"].Value, m.Groups["message"].Value.Trim()))
            .Distinct()
            .ToList();

    [GeneratedRegex(@"^\s*(?<file>[^\r\n(]+)\((?<line>\d+),(?<col>\d+)\): (?<level>error|warning) (?<code>FT\d{4}): (?<message>[^\r\n]*?)(?: \[[^\]]+\])?\r?$", RegexOptions.Multiline)]
    private static partial Regex DiagnosticPattern();
}

/// <summary>One `file(line,col): error FTnnnn: message` line of a build's output.</summary>
public sealed record BuildDiagnostic(string File, int Line, int Column, string Level, string Code, string Message)
{
    public override string ToString() => $"{File}({Line},{Column}): {Level} {Code}: {Message}";
}
