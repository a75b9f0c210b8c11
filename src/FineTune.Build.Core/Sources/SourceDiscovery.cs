namespace FineTune.Build.Sources;

/// <summary>
/// The default sources of a folder, as the SDK's FineTuneSource glob finds them (for use outside MSBuild): every
/// *.yaml, *.yml, *.csv, *.tsv and *.jsonl below it, except bin/, obj/, node_modules/ and hidden folders. A folder
/// reached twice (a symbolic link back to an ancestor, or to a folder already listed) is listed once, so a link
/// loop neither repeats files nor recurses without end.
/// </summary>
public static class SourceDiscovery
{
    public static readonly string[] Extensions = [".yaml", ".yml", ".csv", ".tsv", ".jsonl"];

    private static readonly string[] ExcludedFolders = ["bin", "obj", "node_modules"];

    public static IEnumerable<string> Find(string directory)
    {
        var root = new DirectoryInfo(directory);
        var visited = new HashSet<string>(OperatingSystem.IsWindows() ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal);
        return Find(root, RealPath(root, Path.GetFullPath(directory)) ?? Path.GetFullPath(directory), visited);
    }

    private static IEnumerable<string> Find(DirectoryInfo folder, string realPath, HashSet<string> visited)
    {
        if (!visited.Add(realPath))
        {
            yield break;
        }

        foreach (var file in folder.EnumerateFiles("*", SearchOption.TopDirectoryOnly))
        {
            if (Extensions.Contains(file.Extension, StringComparer.OrdinalIgnoreCase))
            {
                yield return file.FullName;
            }
        }

        foreach (var child in folder.EnumerateDirectories())
        {
            if (child.Name.StartsWith('.') || ExcludedFolders.Contains(child.Name, StringComparer.OrdinalIgnoreCase))
            {
                continue;
            }

            // A link that cannot be resolved (broken, or a chain that loops) has nothing to list.
            if (RealPath(child, Path.Combine(realPath, child.Name)) is not { } childPath || !child.Exists)
            {
                continue;
            }

            foreach (var file in Find(child, childPath, visited))
            {
                yield return file;
            }
        }
    }

    /// <summary>The folder's path with a symbolic link resolved to its final target; null when it cannot be resolved.</summary>
    private static string? RealPath(DirectoryInfo folder, string path)
    {
        if (folder.LinkTarget is null)
        {
            return Path.TrimEndingDirectorySeparator(path);
        }

        try
        {
            var target = folder.ResolveLinkTarget(returnFinalTarget: true);
            return target is null ? null : Path.TrimEndingDirectorySeparator(target.FullName);
        }
        catch (IOException)
        {
            // A chain of links that loops (ELOOP).
            return null;
        }
    }
}
