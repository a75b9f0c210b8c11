using System.Security.Cryptography;
using FineTune.Build.Compilation;
using FineTune.Build.Diagnostics;
using FineTune.Build.Sources;

namespace FineTune.Build.Core.Tests.Compilation;

/// <summary>
/// Pins the bytes of compiled outputs (train and validation JSONL, source maps) and the diagnostics of reference
/// data sets, so a refactoring of the compiler cannot change what users upload. The hashes were taken from the
/// compiler before it was split into stages (commit 5a90597); a change here is a change users see.
/// </summary>
[TestClass]
public sealed class ReferenceOutputsTests
{
    [TestMethod]
    public void AdSupportSample_CsvClassificationWithSplit_KeepsItsBytes()
    {
        using var folder = new TempFolder();
        var source = new SourceFile(Path.Combine(RepositoryRoot, "sample-project", "ad-support", "ads.csv"))
        {
            PromptTemplate = "Company: {Company}\nProduct: {Product}\nAd:{Ad}\nSupported:",
            CompletionTemplate = "{Supported}",
        };
        var run = CompileHarness.Compile(folder, [source]);

        AssertPinned(folder, run, Path.GetDirectoryName(source.Path)!,
            "FT3006(2,1)",
            "train=862be2f460091c4cf52a847d5a3da653a3a600d2d6cc9c47c91628cae7f9e078",
            "validation=9aa74475b719a47b806e207509c0060b3e49912a071f6091423bbe46122aa015",
            "train.sourcemap=9ce757435d4630b7ceef5be7c2fdadd45084fd53b9853aa989a1b1d8a15a51c3",
            "validation.sourcemap=f0246080961fedd2663b05b896ad16d23ffe7281a6101dd121793ad9179a8d4c");
    }

    [TestMethod]
    public void MarvSample_YamlChat_KeepsItsBytes()
    {
        using var folder = new TempFolder();
        var source = new SourceFile(Path.Combine(RepositoryRoot, "sample-project", "marv-chat", "marv.yaml"));
        var run = CompileHarness.Compile(folder, [source], new CompileSetup { BaseModel = "gpt-4.1-mini-2025-04-14", Policy = new DiagnosticPolicy(noWarn: "FT4030") });

        AssertPinned(folder, run, Path.GetDirectoryName(source.Path)!,
            "",
            "train=85f721a598c55353a5059dbe226ca5d8aea7dd6284d01114c81f3c148e07da76",
            "validation=-",
            "train.sourcemap=cbc19c671916ad6a5a75d5b975aee21af8b5c8f33dad5edf35262976520832f2",
            "validation.sourcemap=-");
    }

    [TestMethod]
    public void DroneTraining_JsonlChatWithTools_KeepsItsBytes()
    {
        using var folder = new TempFolder();
        var source = new SourceFile(TestFiles.Shared("drone_training.jsonl"));
        var run = CompileHarness.Compile(folder, [source], new CompileSetup { BaseModel = "gpt-4o-mini-2024-07-18", Fraction = 0.1 });

        AssertPinned(folder, run, Path.GetDirectoryName(source.Path)!,
            "FT4030(0,0)",
            "train=5813e199c3f656245e00b676083ee12e1e250663145a09de4093c72724cd495b",
            "validation=40b4d2c863719b2e202f718a638b627eb496375dff8f246802e9904e541654d3",
            "train.sourcemap=8d8377bfa248b8bf0c28fbdd7d420221bae7bb0563c70c44ad09cb1eb9f200b1",
            "validation.sourcemap=d014212305bba972e74faeade9df3bbeee273a90d69c4e9ace6721421f2ac51b");
    }

    [TestMethod]
    public void GeneratedCompletions_WithDuplicatesAndSplit_KeepTheirBytes()
    {
        using var folder = new TempFolder();
        // 3,000 generation examples, every 700th repeated once (FT6001), a tenth to validation.
        var lines = Enumerable.Range(1, 3000).Select(i => $"{{\"prompt\": \"Question {i} about item {i % 37}\", \"completion\": \"Answer number {i * 7 % 1013}\"}}\n").ToList();
        for (var i = 700; i < lines.Count; i += 700)
        {
            lines.Insert(i, lines[i - 350]);
        }

        var path = folder.Write("data/generated.jsonl", string.Concat(lines));
        var run = CompileHarness.Compile(folder, [new SourceFile(path)], new CompileSetup { Task = DatasetTask.Generation, Fraction = 0.1 });

        AssertPinned(folder, run, Path.GetDirectoryName(path)!,
            "FT6001(701,1) FT6001(1401,1) FT6001(2101,1) FT6001(2801,1) FT3006(1,1)",
            "train=45d35ae24179085b11a6fec373bf17ba9dafb281dcca22e3a66c2f4939ae7bb1",
            "validation=4f242e1906fef34469dedb95a4b05873f546bab5a7d722fc0059e596cb0c9cda",
            "train.sourcemap=1969e464dc2e45808cd7b374e0ae4d02607f6e7dd4a803084f8c3a5d27f7efca",
            "validation.sourcemap=b07b1c4d6eaeb68fd8a75f252aa62980fb9b1d542a53c7d4ccdfaf135ed131ec");
    }

    private static void AssertPinned(TempFolder folder, CompileHarness.Run run, string dataFolder, string codes, params string[] hashes)
    {
        var actual = new[]
        {
            run.Codes,
            "train=" + Sha256(folder.File("bin/ads.train.jsonl"), null),
            "validation=" + Sha256(folder.File("bin/ads.validation.jsonl"), null),
            "train.sourcemap=" + Sha256(folder.File("obj/ads.train.sourcemap.tsv"), dataFolder),
            "validation.sourcemap=" + Sha256(folder.File("obj/ads.validation.sourcemap.tsv"), dataFolder),
        };
        Assert.AreEqual(string.Join("\n", hashes.Prepend(codes)), string.Join("\n", actual));
    }

    /// <summary>sha256 of a file, "-" when it does not exist; source maps name sources by absolute path, made relative here.</summary>
    private static string Sha256(string path, string? dataFolder)
    {
        if (!File.Exists(path))
        {
            return "-";
        }

        var bytes = File.ReadAllBytes(path);
        if (dataFolder is not null)
        {
            bytes = TestFiles.Utf8.GetBytes(TestFiles.Utf8.GetString(bytes).Replace(dataFolder + Path.DirectorySeparatorChar, "", StringComparison.Ordinal));
        }

        return Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant();
    }

    private static string RepositoryRoot { get; } = FindRepositoryRoot();

    private static string FindRepositoryRoot()
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
