using System.Text;
using FineTune.Build.Examples;
using FineTune.Build.Output;
using FineTune.Build.Rules;
using static FineTune.Build.Core.Tests.Rules.RuleHarness;

namespace FineTune.Build.Core.Tests.Rules;

[TestClass]
public sealed class ExampleIndexTests
{
    [TestMethod]
    public void KeyTable_KeepsTheFirstValue_AndEveryKey_WhenItGrowsPastItsSize()
    {
        var table = new KeyTable(expected: 4);
        for (var i = 0; i < 10_000; i++)
        {
            // Keys alike in their high bits share a slot: the probe must walk past them.
            Assert.IsTrue(table.TryAdd(((ulong)i << 8) | 7, i));
        }

        Assert.IsFalse(table.TryAdd((5UL << 8) | 7, -1));
        Assert.IsTrue(table.TryAdd(0, 42));
        Assert.AreEqual(10_001, table.Count);
        for (var i = 0; i < 10_000; i++)
        {
            Assert.IsTrue(table.TryGetValue(((ulong)i << 8) | 7, out var value));
            Assert.AreEqual(i, value);
        }

        Assert.IsTrue(table.TryGetValue(0, out var zero));
        Assert.AreEqual(42, zero);
        Assert.IsFalse(table.TryGetValue(8, out _));
        Assert.IsFalse(table.TryGetValue(ulong.MaxValue, out _));
    }

    [TestMethod]
    public void KeyTable_WithoutValues_IsASetOfEveryKey_ThroughItsGrowth()
    {
        // The survey's distinct answers: keys only, values read as 0.
        var table = new KeyTable(expected: 0, withValues: false);
        for (var i = 0; i < 5_000; i++)
        {
            Assert.IsTrue(table.TryAdd(((ulong)i << 8) | 7, i));
            Assert.IsFalse(table.TryAdd(((ulong)(i / 2) << 8) | 7, i));
        }

        Assert.AreEqual(5_000, table.Count);
        Assert.IsTrue(table.TryGetValue((4_999UL << 8) | 7, out var value));
        Assert.AreEqual(0, value);
        Assert.IsFalse(table.TryGetValue(5_000UL << 8 | 7, out _));
    }

    [TestMethod]
    public void KeyTable_SizedForACount_HoldsThatManyWithoutGrowing()
    {
        // Growing at the last key would double the table just as the compile ends (a 760,000-row CSV did).
        foreach (var count in new[] { 1, 3, 12, 13, 100, 760_000 })
        {
            var table = new KeyTable(count);
            var capacity = table.Capacity;
            for (var i = 1; i <= count; i++)
            {
                table.TryAdd((ulong)i * 0x9E3779B97F4A7C15UL, i);
            }

            Assert.AreEqual(capacity, table.Capacity, $"sized for {count}");
            Assert.IsTrue(table.Count <= capacity * 3 / 4 + 1, $"sized for {count}");
        }
    }

    [TestMethod]
    public void Index_NamesTheFirstExampleWithEachKey_AcrossFilesAndRecordChunks()
    {
        using var folder = new TempFolder();
        var first = new StringBuilder();
        var second = new StringBuilder();
        for (var i = 0; i < 6_000; i++)
        {
            first.Append("{\"prompt\": \"q").Append(i).Append("\", \"completion\": \" ").Append(i % 2 == 0 ? "yes" : "no").Append("\"}\n");
        }

        // In the second file: an exact copy of line 5,000, then line 4,500's prompt with the other label.
        second.Append("{\"prompt\": \"q4999\", \"completion\": \" no\"}\n");
        second.Append("{\"prompt\": \"q4500\", \"completion\": \" no\"}\n");
        var examples = Bind(folder, "first.jsonl", first.ToString(), DatasetFormat.Completion)
            .Concat(Bind(folder, "second.jsonl", second.ToString(), DatasetFormat.Completion))
            .ToList();

        var index = new ExampleIndex();
        DatasetEntry Entry(int i) => new(examples[i], CanonicalJsonWriter.ToBytes(examples[i].Body), validation: i % 3 == 0, examples[i].Completion!.Text.Trim());
        for (var i = 0; i < 6_000; i++)
        {
            var entry = Entry(i);
            Assert.IsNull(index.FirstWithContent(entry));
            index.Add(entry);
        }

        var copy = Entry(6_000);
        Assert.AreEqual(new ExampleLocation(examples[4_999].SourcePath, 5_000, 1), index.FirstWithContent(copy));
        var relabelled = Entry(6_001);
        Assert.IsNull(index.FirstWithContent(relabelled));
        Assert.AreEqual(new PromptSeen(new ExampleLocation(examples[4_500].SourcePath, 4_501, 1), Validation: true, "yes"), index.FirstWithPrompt(relabelled));

        // A later example with a known key never replaces the first.
        index.Add(relabelled);
        Assert.AreEqual("yes", index.FirstWithPrompt(relabelled)?.Label);
        Assert.AreEqual(examples[0].SourcePath, index.FirstWithPrompt(Entry(0))?.Where.File);
    }
}
