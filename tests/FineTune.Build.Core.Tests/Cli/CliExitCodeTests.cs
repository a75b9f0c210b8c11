using System.CommandLine;
using System.Diagnostics;
using FineTune.Build.Cli;
using FineTune.Build.Core.Tests.Training;
using FineTune.Build.FakeOpenAI;

namespace FineTune.Build.Core.Tests.Cli;

/// <summary>
/// The tool's exit codes tell findings (1) from usage (2), the API (3), a timeout (4) and an internal failure (5):
/// an unwritable output is an FT0006 line and exit 1, a malformed answer FT7024 and exit 3, never a stack trace.
/// </summary>
[TestClass]
public sealed class CliExitCodeTests
{
    private static (int Exit, string Text) Compile(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var root = new RootCommand();
        CompileCommands.AddTo(root, output, error);
        var exit = root.Parse(args).Invoke();
        return (exit, output.ToString() + error);
    }

    private static async Task<(int Exit, string Out, string Err)> Training(TrainingFixture f, params string[] args)
    {
        var env = new Dictionary<string, string?> { ["OPENAI_API_KEY"] = f.Canary, ["OPENAI_BASE_URL"] = f.Server.BaseUrl };
        var output = new StringWriter();
        var error = new StringWriter();
        var root = new RootCommand();
        TrainingCommands.AddTo(root, output, error, n => env.GetValueOrDefault(n));
        var exit = await root.Parse(args).InvokeAsync();
        Assert.DoesNotContain(f.Canary, output.ToString() + error);
        return (exit, output.ToString(), error.ToString());
    }

    [TestMethod]
    public void Compile_ToAnOutputFolderThatIsAFile_IsFT0006AndExit1()
    {
        using var folder = new TempFolder();
        folder.Write("data/a.jsonl", string.Concat(Enumerable.Range(1, 12).Select(i => $"{{\"prompt\": \"Q {i}\", \"completion\": \" A {i}\"}}\n")));
        var blocker = folder.Write("out", "a file where the output folder should be\n");

        var (exit, text) = Compile("compile", folder.File("data"), "--base-model", "babbage-002", "--name", "qa", "--output", blocker, "--lifecycle-date", "2026-11-25");

        Assert.AreEqual(1, exit, text);
        StringAssert.Contains(text, $"{Path.Combine(blocker, "qa.train.jsonl")}: error FT0006: Cannot write '{Path.Combine(blocker, "qa.train.jsonl")}'");
        StringAssert.Contains(text, "no file or folder stands in the way of an output");
        Assert.DoesNotContain("FT0004", text);
        Assert.DoesNotContain("   at ", text, "no stack trace");
    }

    [TestMethod]
    public async Task List_AgainstAnEndpointAnsweringHtml_IsFT7024AndExit3()
    {
        await using var f = await TrainingFixture.CreateAsync();
        f.Server.AddFault(new Fault { Kind = FaultKind.Respond, ContentType = "text/html", Body = "<html>proxy</html>", Times = 10 });

        var (exit, _, err) = await Training(f, "list");

        Assert.AreEqual(TrainingCommands.ExitCodes.ApiError, exit, err);
        StringAssert.Contains(err, "error FT7024: GET /v1/fine_tuning/jobs answered HTTP 200 with content type text/html ('<html>proxy</html>')");
        Assert.DoesNotContain("   at ", err);
    }

    [TestMethod]
    public async Task Follow_AgainstAStalledEndpoint_EndsAtItsTimeout_WithExit4()
    {
        await using var f = await TrainingFixture.CreateAsync();
        var job = f.Server.SeedJob("gpt-4o-mini-2024-07-18", "file-x", script: new JobScript { Outcome = JobOutcome.RunForever });
        f.Server.AddFault(new Fault { Kind = FaultKind.Slow, Method = "GET", PathContains = "/fine_tuning/jobs/", Delay = TimeSpan.FromSeconds(150), Times = 100 });
        var clock = Stopwatch.StartNew();

        var (exit, _, err) = await Training(f, "follow", job.Id, "--project", f.ProjectDirectory, "--timeout", "1s", "--poll-interval", "100ms");

        Assert.AreEqual(TrainingCommands.ExitCodes.Timeout, exit, err);
        Assert.IsLessThan(10, clock.Elapsed.TotalSeconds, $"took {clock.Elapsed}");
        StringAssert.Contains(err, "error FT7015: Stopped following job " + job.Id + " after 00:00:01; the endpoint did not answer in time.");
        Assert.IsFalse(File.Exists(f.LockPath), "nothing learned, nothing recorded");
    }
}
