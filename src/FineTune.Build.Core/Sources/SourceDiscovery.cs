namespace FineTune.Build.Sources;

/// <summary>
/// The default sources of a folder, as the SDK's FineTuneSource glob finds them (for use outside MSBuild): every
/// *.yaml, *.yml, *.csv, *.tsv and *.jsonl below it, except bin/, obj/, node_modules/ and hidden folders.
/// </summary>
public static class SourceDiscovery
{
    public static readonly string[] Extensions = [".yaml", ".yml", ".csv", ".tsv", ".jsonl"];

    private static readonly string[] ExcludedFolders = ["bin", "obj", "node_modules"];

    public static IEnumerable<string> Find(string directory)
    {
        var root = new DirectoryInfo(directory);
        foreach (var file in root.EnumerateFiles("*", SearchOption.TopDirectoryOnly))
        {
            if (Extensions.Contains(file.Extension, StringComparer.OrdinalIgnoreCase))
            {
                yield return file.FullName;
            }
        }

        foreach (var folder in root.EnumerateDirectories())
        {
            if (folder.Name.StartsWith('.') || ExcludedFolders.Contains(folder.Name, StringComparer.OrdinalIgnoreCase))
            {
                continue;
            }

            foreach (var file in Find(folder.FullName))
            {
                yield return file;
            }
        }
    }
}
