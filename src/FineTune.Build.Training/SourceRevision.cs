namespace FineTune.Build.Training;

/// <summary>Finds the git commit of a folder by reading .git directly (no git process, works in worktrees).</summary>
public static class SourceRevision
{
    public static string? TryDetect(string directory)
    {
        try
        {
            var gitDir = FindGitDir(directory);
            if (gitDir is null)
            {
                return null;
            }

            var head = File.ReadAllText(Path.Combine(gitDir, "HEAD")).Trim();
            if (!head.StartsWith("ref:", StringComparison.Ordinal))
            {
                return IsSha(head) ? head : null;
            }

            var refName = head[4..].Trim();
            // Worktrees keep refs in the common dir.
            var commonDir = gitDir;
            var commonFile = Path.Combine(gitDir, "commondir");
            if (File.Exists(commonFile))
            {
                commonDir = Path.GetFullPath(Path.Combine(gitDir, File.ReadAllText(commonFile).Trim()));
            }

            foreach (var dir in new[] { gitDir, commonDir })
            {
                var refPath = Path.Combine(dir, refName.Replace('/', Path.DirectorySeparatorChar));
                if (File.Exists(refPath))
                {
                    var sha = File.ReadAllText(refPath).Trim();
                    if (IsSha(sha))
                    {
                        return sha;
                    }
                }
            }
            var packed = Path.Combine(commonDir, "packed-refs");
            if (File.Exists(packed))
            {
                foreach (var line in File.ReadLines(packed))
                {
                    var parts = line.Split(' ');
                    if (parts.Length == 2 && parts[1] == refName && IsSha(parts[0]))
                    {
                        return parts[0];
                    }
                }
            }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return null;
    }

    private static string? FindGitDir(string directory)
    {
        for (var dir = new DirectoryInfo(Path.GetFullPath(directory)); dir is not null; dir = dir.Parent)
        {
            var git = Path.Combine(dir.FullName, ".git");
            if (Directory.Exists(git))
            {
                return git;
            }

            if (File.Exists(git))
            {
                var text = File.ReadAllText(git).Trim();
                if (text.StartsWith("gitdir:", StringComparison.Ordinal))
                {
                    return Path.GetFullPath(Path.Combine(dir.FullName, text[7..].Trim()));
                }
            }
        }
        return null;
    }

    private static bool IsSha(string s) => s.Length is 40 or 64 && s.All(Uri.IsHexDigit);
}
