using System.Diagnostics;
using System.Text;

namespace FineTune.Build.EndToEnd.Tests.Infrastructure;

/// <summary>The result of one `dotnet` command: exit code and everything it printed.</summary>
public sealed record DotNetResult(int ExitCode, string StdOut, string StdErr, string CommandLine)
{
    public string Output => StdOut + StdErr;

    public bool Succeeded => ExitCode == 0;

    public override string ToString() => $"> {CommandLine}\nexit {ExitCode}\n{Output}";
}

/// <summary>Runs the real `dotnet` CLI in a clean environment, as a user's shell or CI would.</summary>
public static class DotNet
{
    /// <summary>Runs <c>dotnet</c> with <paramref name="arguments"/> and waits for it.</summary>
    /// <param name="workingDirectory">The folder the command runs in.</param>
    /// <param name="arguments">The command and its arguments.</param>
    /// <param name="environment">Variables to set (null removes one) on top of the clean environment.</param>
    /// <param name="timeout">How long the command may run before it is killed.</param>
    /// <param name="isolatedPackages">
    /// Restore into the run's own packages folder (projects that consume the packed SDK). False for commands on the
    /// repository itself: its obj/ folders must keep pointing at the packages folder the outer build uses.
    /// </param>
    public static DotNetResult Run(string workingDirectory, IEnumerable<string> arguments, IDictionary<string, string?>? environment = null, TimeSpan? timeout = null, bool isolatedPackages = true)
    {
        var start = new ProcessStartInfo("dotnet")
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

        // The test host runs under `dotnet test`, whose MSBuild variables would leak into the nested build.
        foreach (var key in start.Environment.Keys.ToList())
        {
            if (key.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)
                || key.StartsWith("MSBUILD", StringComparison.Ordinal)
                || key is "DOTNET_HOST_PATH" or "VSTEST_HOST_DEBUG" or "OPENAI_API_KEY" or "OPENAI_BASE_URL"
                || key.StartsWith("VSTEST", StringComparison.Ordinal)
                || key.StartsWith("TESTINGPLATFORM", StringComparison.Ordinal))
            {
                start.Environment.Remove(key);
            }
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        if (isolatedPackages)
        {
            start.Environment["NUGET_PACKAGES"] = SdkFeed.PackagesFolder;
        }
        if (environment is not null)
        {
            foreach (var (key, value) in environment)
            {
                if (value is null)
                {
                    start.Environment.Remove(key);
                }
                else
                {
                    start.Environment[key] = value;
                }
            }
        }

        using var process = new Process { StartInfo = start };
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (stdout)
                {
                    stdout.AppendLine(e.Data);
                }
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (stderr)
                {
                    stderr.AppendLine(e.Data);
                }
            }
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(timeout ?? TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet {string.Join(' ', arguments)} did not finish in time.\n{stdout}{stderr}");
        }

        process.WaitForExit();
        return new DotNetResult(process.ExitCode, stdout.ToString(), stderr.ToString(), "dotnet " + string.Join(' ', start.ArgumentList));
    }
}
