using FineTune.Build.Fuzz;

namespace FineTune.Build.Core.Tests.Fuzz;

/// <summary>
/// The fuzzing harness's deterministic mutations (fuzz/FineTune.Build.Fuzz, build/fuzz.sh runs millions), a few
/// hundred per reader with a fixed seed: every input ends as diagnostics, never as an exception.
/// </summary>
[TestClass]
public sealed class FuzzPropertyTests
{
    private const int InputsPerTarget = 600;

    private static readonly Lazy<SeedCorpus> Corpus = new(() => SeedCorpus.Load(RepositoryRoot()));

    [TestMethod]
    [DataRow("yaml")]
    [DataRow("csv")]
    [DataRow("tsv")]
    [DataRow("jsonl")]
    [DataRow("templates")]
    public void MutatedInputs_EndAsDiagnostics_NeverAsExceptions(string name)
    {
        var target = FuzzTarget.Create(name, Corpus.Value);
        Assert.IsGreaterThanOrEqualTo(10, target.Seeds.Count, "the seeds come from ../shared/data and the tests' sources");
        using var folder = new TempFolder();
        var mutator = new Mutator(target.Seeds, seed: 20261130);
        var staged = new StagedCompile();
        var failures = new List<string>();
        var withDiagnostics = 0;
        for (var number = 0; number < InputsPerTarget; number++)
        {
            var input = mutator.Next();
            try
            {
                withDiagnostics += target.Run(input, number, folder.Path, staged).Count > 0 ? 1 : 0;
            }
            catch (Exception e)
            {
                failures.Add($"input {number} ({input.Length} bytes): {e.GetType().Name}: {e.Message}");
            }
        }

        Assert.IsEmpty(failures, string.Join("\n", failures));

        // Mutations break most inputs: the run is only meaningful if they reach the readers' error paths.
        Assert.IsGreaterThan(InputsPerTarget / 2, withDiagnostics);
    }

    [TestMethod]
    public void Mutator_IsDeterministic()
    {
        var seeds = Corpus.Value.Jsonl;
        var first = new Mutator(seeds, 7);
        var second = new Mutator(seeds, 7);
        for (var i = 0; i < 200; i++)
        {
            CollectionAssert.AreEqual(first.Next(), second.Next());
        }
    }

    private static string RepositoryRoot()
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
