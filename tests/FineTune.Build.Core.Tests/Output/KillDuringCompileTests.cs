using System.Diagnostics;
using System.Text;
using FineTune.Build.Output;

namespace FineTune.Build.Core.Tests.Output;

/// <summary>
/// kill -9 of a real `finetune compile` (the same core as the MSBuild task) at random points of a compile that
/// moves a train file, a validation file, two source maps and three reports into place: afterwards either the
/// completion stamp is absent (the SDK declares it as FineTuneCompile's output, so the next build compiles again)
/// or the stamp describes exactly the JSONL on disk; the next compile leaves a complete set and no *.tmp.
/// </summary>
[TestClass]
public sealed class KillDuringCompileTests
{
    private const int Kills = 24;

    [TestMethod]
    [TestCategory("Slow")]
    public void KillAtRandomPoints_LeavesNoStampOrACompleteSet_AndTheNextCompileCompletesIt()
    {
        using var folder = new TempFolder();
        var source = folder.Write("src/data.jsonl", Dataset(4_000));
        var output = Path.Combine(folder.Path, "bin");
        var intermediate = Path.Combine(folder.Path, "obj");
        var stamp = CompletionStamp.PathFor(intermediate, "ds");

        var clock = Stopwatch.StartNew();
        Assert.AreEqual(0, Compile(source, output, intermediate, killAfter: null), "the uninterrupted compile");
        var full = clock.Elapsed;
        Assert.IsNull(CompletionStamp.Verify(stamp, output));
        var complete = File.ReadAllText(stamp);
        StringAssert.Contains(complete, "validation\tds.validation.jsonl");

        // Kill points spread over the whole compile, most of them in its last third where the files move into place.
        var random = new Random(9);
        var states = new Dictionary<string, int>();
        var leftovers = 0;
        for (var i = 0; i < Kills; i++)
        {
            var fraction = i % 3 == 0 ? random.NextDouble() : 0.6 + (random.NextDouble() * 0.5);
            Compile(source, output, intermediate, killAfter: full * fraction);
            leftovers += Directory.EnumerateFiles(output, "*.tmp").Count() + Directory.EnumerateFiles(intermediate, "*.tmp").Count();
            string state;
            if (!File.Exists(stamp))
            {
                state = "no stamp: the next build compiles";
            }
            else
            {
                Assert.IsNull(CompletionStamp.Verify(stamp, output), $"kill {i} at {fraction:P0}: a stamp over a torn set");
                Assert.AreEqual(complete, File.ReadAllText(stamp), "the same sources give the same set");
                foreach (var file in new[] { "bin/ds.report.json", "bin/ds.report.html", "bin/ds.sarif", "obj/ds.train.sourcemap.tsv", "obj/ds.validation.sourcemap.tsv" })
                {
                    Assert.IsTrue(File.Exists(folder.File(file)), $"kill {i}: {file} missing beside a stamp");
                }

                state = "complete set with its stamp";
            }

            states[state] = states.GetValueOrDefault(state) + 1;
        }

        Console.WriteLine($"{Kills} kills of a {full.TotalSeconds:F1} s compile: {string.Join(", ", states)}; {leftovers} leftover *.tmp seen");
        Assert.IsTrue(states.ContainsKey("no stamp: the next build compiles"), "some kills hit the compile: " + string.Join(", ", states));

        Assert.AreEqual(0, Compile(source, output, intermediate, killAfter: null));
        Assert.IsNull(CompletionStamp.Verify(stamp, output));
        Assert.AreEqual(complete, File.ReadAllText(stamp));
        Assert.IsEmpty(Directory.EnumerateFiles(output, "*.tmp").Concat(Directory.EnumerateFiles(intermediate, "*.tmp")).ToList(), $"leftovers after the kills: {leftovers}, after the next compile: none");
    }

    [TestMethod]
    public void Begin_RemovesTheStampAndLeftoverTemporaryFiles_OfThisDatasetOnly()
    {
        using var folder = new TempFolder();
        var bin = Directory.CreateDirectory(folder.File("bin")).FullName;
        var obj = Directory.CreateDirectory(folder.File("obj")).FullName;
        folder.Write("bin/ds.train.jsonl.1a2b3c4d.tmp", "torn");
        folder.Write("obj/ds.train.sourcemap.tsv.1a2b3c4d.tmp", "torn");
        folder.Write("bin/other.train.jsonl.1a2b3c4d.tmp", "another dataset's");
        folder.Write("obj/ds.finetune.complete", "train\tds.train.jsonl\t0\te3b0\n");

        new CompletionStamp(bin, obj, "ds").Begin();

        Assert.AreEqual("other.train.jsonl.1a2b3c4d.tmp", string.Join(",", Directory.EnumerateFiles(bin).Concat(Directory.EnumerateFiles(obj)).Select(Path.GetFileName)));
    }

    [TestMethod]
    public void Verify_NamesTheFileThatDoesNotMatch()
    {
        using var folder = new TempFolder();
        folder.Write("ds.train.jsonl", "{}\n");
        var stamp = folder.Write("ds.finetune.complete", "train\tds.train.jsonl\t3\tca3d163bab055381827226140568f3bef7eaac187cebd76878e0b63e9e442356\nvalidation\tds.validation.jsonl\t3\tca3d163bab055381827226140568f3bef7eaac187cebd76878e0b63e9e442356\n");

        Assert.AreEqual("ds.validation.jsonl is missing", CompletionStamp.Verify(stamp, folder.Path));
        folder.Write("ds.validation.jsonl", "{ }");
        Assert.AreEqual("ds.validation.jsonl is not the file the stamp describes", CompletionStamp.Verify(stamp, folder.Path));
        folder.Write("ds.validation.jsonl", "{}\n");
        Assert.IsNull(CompletionStamp.Verify(stamp, folder.Path));
    }

    private static string Dataset(int examples)
    {
        var text = new StringBuilder();
        for (var i = 0; i < examples; i++)
        {
            text.Append("{\"messages\": [{\"role\": \"user\", \"content\": \"Question number ").Append(i)
                .Append(" about the weather in town ").Append(i % 97).Append("?\"}, {\"role\": \"assistant\", \"content\": \"Answer ")
                .Append(i).Append(": it is sunny, as it was yesterday and will be tomorrow.\"}]}\n");
        }

        return text.ToString();
    }

    /// <summary>Runs `finetune compile`; with <paramref name="killAfter"/>, kills it (SIGKILL) then unless it ended first.</summary>
    private static int Compile(string source, string output, string intermediate, TimeSpan? killAfter)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            Path.Combine(AppContext.BaseDirectory, "finetune.dll"), "compile", source, "-o", output, "--intermediate", intermediate, "-n", "ds",
            "--base-model", "gpt-4o-mini-2024-07-18", "--validation-fraction", "0.2", "--no-warn", "FT4030;FT4031;FT4004;FT4021", "--max-diagnostics", "5",
        })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (killAfter is { } delay && !process.WaitForExit(delay))
        {
            process.Kill(entireProcessTree: true);
        }

        process.WaitForExit();
        if (killAfter is null && process.ExitCode != 0)
        {
            Assert.Fail($"finetune compile exited {process.ExitCode}:\n{stdout.Result}\n{stderr.Result}");
        }

        return process.ExitCode;
    }
}
