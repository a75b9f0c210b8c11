using FineTune.Build.EndToEnd.Tests.Infrastructure;

// End-to-end tests run real builds one after another: the machine has two cores and each build uses them.
[assembly: DoNotParallelize]

namespace FineTune.Build.EndToEnd.Tests;

[TestClass]
public static class TestRun
{
    /// <summary>
    /// Each run packs the SDK and restores into its own folder (hundreds of MB): remove it afterwards, unless
    /// FINETUNE_KEEP_E2E=1 keeps it for a look at the generated projects.
    /// </summary>
    [AssemblyCleanup]
    public static void Cleanup()
    {
        if (Environment.GetEnvironmentVariable("FINETUNE_KEEP_E2E") == "1" || !Directory.Exists(SdkFeed.RunDirectory))
        {
            return;
        }

        try
        {
            Directory.Delete(SdkFeed.RunDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A build server may still hold a file; the folder is under the temp folder anyway.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
