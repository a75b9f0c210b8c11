namespace FineTune.Build.EndToEnd.Tests.Infrastructure;

/// <summary>
/// Packs the SDK once per test run, the way a user consumes it (`dotnet pack FineTune.Build.sln -c Release -o DIR`),
/// with a version unique to the run, into a temporary feed, and gives every test project an isolated NuGet
/// packages folder, so a re-packed SDK is never served stale from a cache.
/// </summary>
public static class SdkFeed
{
    private static readonly Lazy<string> Packed = new(Pack, LazyThreadSafetyMode.ExecutionAndPublication);

    public static string RunDirectory { get; } = Path.Combine(Path.GetTempPath(), "finetune-e2e", DateTime.UtcNow.ToString("yyyyMMdd-HHmmss") + "-" + Environment.ProcessId);

    public static string Version { get; } = "1.0.0-e2e." + DateTime.UtcNow.ToString("yyyyMMddHHmmss");

    public static string FeedDirectory => Path.Combine(RunDirectory, "feed");

    public static string PackagesFolder => Path.Combine(RunDirectory, "nuget-packages");

    /// <summary>The feed folder, after packing (once).</summary>
    public static string EnsurePacked() => Packed.Value;

    private static string Pack()
    {
        Directory.CreateDirectory(FeedDirectory);

        // Restore as the outer build does (a no-op after `dotnet test` restored the solution), then pack without
        // restoring: a restore with the run's version would rewrite the repository's obj/*.assets.json while the
        // unit tests may be building from them.
        var restore = DotNet.Run(Repository.Root, ["restore", "FineTune.Build.sln"], timeout: TimeSpan.FromMinutes(10), isolatedPackages: false);
        if (!restore.Succeeded)
        {
            throw new InvalidOperationException("Restoring the solution failed:\n" + restore);
        }

        var result = DotNet.Run(Repository.Root,
        [
            "pack", "FineTune.Build.sln", "-c", "Release", "-o", FeedDirectory, "-nodeReuse:false", "--no-restore",
            $"-p:Version={Version}",
        ], timeout: TimeSpan.FromMinutes(10), isolatedPackages: false);
        var package = Path.Combine(FeedDirectory, $"FineTune.Build.Sdk.{Version}.nupkg");
        if (!result.Succeeded || !File.Exists(package))
        {
            throw new InvalidOperationException("Packing the SDK failed:\n" + result);
        }

        return FeedDirectory;
    }
}
