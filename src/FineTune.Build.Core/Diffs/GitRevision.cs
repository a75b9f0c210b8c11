using System.Diagnostics;

namespace FineTune.Build.Diffs;

/// <summary>
/// A revision of a git repository checked out into a temporary folder (<c>git worktree add --detach</c>), removed
/// again on dispose, so the diff compiles each side's sources without touching the user's working tree.
/// </summary>
public sealed class GitRevision : IDisposable
{
    private readonly string _repository;

    private GitRevision(string repository, string revision, string folder)
    {
        _repository = repository;
        Revision = revision;
        Folder = folder;
    }

    public string Revision { get; }

    /// <summary>The checkout: the repository root at <see cref="Revision"/>.</summary>
    public string Folder { get; }

    /// <summary>The top-level folder of the repository holding <paramref name="path"/>, or null outside a repository.</summary>
    public static string? RepositoryRoot(string path)
    {
        var (code, output) = Git(Directory.Exists(path) ? path : Path.GetDirectoryName(Path.GetFullPath(path))!, "rev-parse", "--show-toplevel");
        return code == 0 ? Path.GetFullPath(output.Trim()) : null;
    }

    /// <summary>Whether <paramref name="revision"/> names a commit of the repository.</summary>
    public static bool Exists(string repository, string revision)
        => Git(repository, "rev-parse", "--verify", "--quiet", revision + "^{commit}").Code == 0;

    public static GitRevision Checkout(string repository, string revision)
    {
        var folder = Path.Combine(Path.GetTempPath(), "finetune-rev-" + Guid.NewGuid().ToString("N"));
        var (code, output) = Git(repository, "worktree", "add", "--detach", "--quiet", folder, revision);
        if (code != 0)
        {
            throw new InvalidOperationException($"git worktree add {revision} failed: {output.Trim()}");
        }

        return new GitRevision(repository, revision, folder);
    }

    public void Dispose()
    {
        Git(_repository, "worktree", "remove", "--force", Folder);
        if (Directory.Exists(Folder))
        {
            Directory.Delete(Folder, recursive: true);
            Git(_repository, "worktree", "prune");
        }
    }

    private static (int Code, string Output) Git(string workingDirectory, params string[] arguments)
    {
        var start = new ProcessStartInfo("git")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("git could not be started.");
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output + error.Result);
    }
}
