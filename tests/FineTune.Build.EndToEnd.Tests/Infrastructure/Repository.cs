namespace FineTune.Build.EndToEnd.Tests.Infrastructure;

/// <summary>Paths of the repository the tests run from.</summary>
public static class Repository
{
    public static string Root { get; } = FindRoot();

    /// <summary>../shared/data beside the checkout: the real public data files (see its PROVENANCE.md).</summary>
    public static string SharedData => Path.GetFullPath(Path.Combine(Root, "..", "shared", "data"));

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "FineTune.Build.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("FineTune.Build.sln not found above " + AppContext.BaseDirectory);
    }
}
