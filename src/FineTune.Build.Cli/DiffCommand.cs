using System.CommandLine;
using System.Text;
using FineTune.Build.Diffs;

namespace FineTune.Build.Cli;

/// <summary>
/// `finetune diff &lt;base&gt; &lt;head&gt;`: what a change does to a dataset. Each side is a git revision (the project's
/// sources at that commit, compiled with the core compiler in a temporary checkout), a project file or folder, or a
/// compiled output (a report.json, or the folder holding it). Prints Markdown for a pull-request comment or JSON.
/// Exit codes: 0 done, 2 bad usage.
/// </summary>
public static class DiffCommand
{
    public static void AddTo(RootCommand root, TextWriter output, TextWriter error)
    {
        var @base = new Argument<string>("base") { Description = "The base: a git revision, a project (file or folder), or a compiled output (report.json or its folder)." };
        var head = new Argument<string>("head") { Description = "The head, in the same forms as the base." };
        var project = new Option<string?>("--project", "-p") { Description = "For git revisions: the project file (default: the one *.proj or *.csproj in the current folder)." };
        var format = new Option<string>("--format") { Description = "markdown (default, for a PR comment) or json.", DefaultValueFactory = _ => "markdown" };
        format.AcceptOnlyFromAmong("markdown", "json");
        var file = new Option<string?>("--output", "-o") { Description = "Write to this file instead of the standard output." };
        var linkBase = new Option<string?>("--link-base") { Description = "URL that head file links start from (https://github.com/owner/repo/blob/<sha>/)." };
        var baseLinkBase = new Option<string?>("--base-link-base") { Description = "URL that base file links (removed examples) start from." };

        var command = new Command("diff", "Show the examples a change adds, changes and removes, and how class balance, tokens and cost move.");
        command.Arguments.Add(@base);
        command.Arguments.Add(head);
        command.Options.Add(project);
        command.Options.Add(format);
        command.Options.Add(file);
        command.Options.Add(linkBase);
        command.Options.Add(baseLinkBase);
        command.SetAction(r =>
        {
            try
            {
                var projectFile = r.GetValue(project) is { } given ? Path.GetFullPath(given) : CompileCommands.FindProjectFile(Directory.GetCurrentDirectory());
                var baseSide = Load(r.GetValue(@base)!, projectFile);
                var headSide = Load(r.GetValue(head)!, projectFile);
                var diff = DatasetDiff.Compute(baseSide, headSide);
                var text = r.GetValue(format) == "json"
                    ? Encoding.UTF8.GetString(DiffJsonWriter.Write(diff))
                    : DiffMarkdownWriter.Write(diff, r.GetValue(linkBase), r.GetValue(baseLinkBase));
                if (r.GetValue(file) is { } path)
                {
                    File.WriteAllText(path, text);
                    output.WriteLine($"{diff.Head.Dataset}: {diff.Added.Count} added, {diff.Changed.Count} changed, {diff.Removed.Count} removed; written to {path}.");
                }
                else
                {
                    output.Write(text);
                }

                return 0;
            }
            catch (Exception ex) when (ex is InvalidOperationException or IOException or ArgumentException or System.Xml.XmlException or System.Text.Json.JsonException or KeyNotFoundException)
            {
                error.WriteLine($"finetune diff: {ex.Message}");
                return 2;
            }
        });
        root.Subcommands.Add(command);
    }

    /// <summary>One side: a compiled output, a project, or (when no such path exists) a git revision of the project.</summary>
    public static DatasetSnapshot Load(string side, string? projectFile)
    {
        var full = Path.GetFullPath(side);
        if (File.Exists(full) && full.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
        {
            return DatasetSnapshot.FromCompiledOutput(full, side);
        }

        if (Directory.Exists(full) && Directory.EnumerateFiles(full, "*.report.json").Any())
        {
            return DatasetSnapshot.FromCompiledOutput(full, side);
        }

        var asProject = File.Exists(full) ? full : Directory.Exists(full) ? CompileCommands.FindProjectFile(full) : null;
        if (asProject is not null)
        {
            return DatasetSnapshot.FromProject(asProject, GitRevision.RepositoryRoot(asProject) ?? Path.GetDirectoryName(asProject)!, side);
        }

        if (projectFile is null || !File.Exists(projectFile))
        {
            throw new InvalidOperationException($"'{side}' is neither a file nor a folder, and there is no project to take a git revision of: pass --project.");
        }

        var repository = GitRevision.RepositoryRoot(projectFile)
            ?? throw new InvalidOperationException($"{projectFile} is not in a git repository, so '{side}' cannot be a revision.");
        if (!GitRevision.Exists(repository, side))
        {
            throw new InvalidOperationException($"'{side}' is neither a file, a folder nor a revision of {repository}.");
        }

        using var checkout = GitRevision.Checkout(repository, side);
        var relative = Path.GetRelativePath(repository, projectFile);
        var checkedOut = Path.Combine(checkout.Folder, relative);
        return !File.Exists(checkedOut)
            ? DatasetSnapshot.Empty(Path.GetFileNameWithoutExtension(projectFile), side)
            : DatasetSnapshot.FromProject(checkedOut, checkout.Folder, side);
    }
}
