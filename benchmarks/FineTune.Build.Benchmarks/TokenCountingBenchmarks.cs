using BenchmarkDotNet.Attributes;
using FineTune.Build.Tokens;

namespace FineTune.Build.Benchmarks;

/// <summary>
/// Counts the tokens of a fixed synthetic dataset (seed-style ad prompts plus longer mixed-language texts) three ways.
/// Each benchmark returns the total so the work cannot be optimized away; tokens/s = TotalTokens / Mean.
/// </summary>
[ShortRunJob]
[MemoryDiagnoser]
public class TokenCountingBenchmarks
{
    private string[] _texts = [];
    private TokenCounter _shared = null!;

    [Params(TokenEncodings.O200kBase, TokenEncodings.Cl100kBase)]
    public string Encoding { get; set; } = TokenEncodings.O200kBase;

    /// <summary>"repetitive": a small vocabulary, as in templated classification data (the tokenizer's word cache hits
    /// almost always); "varied": pseudo-words from random syllables, so most words miss the cache and run the BPE merge.</summary>
    [Params("repetitive", "varied")]
    public string Corpus { get; set; } = "repetitive";

    public static int Workers => Environment.ProcessorCount;

    public long TotalTokens { get; private set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        string[] words =
        [
            "insurance", "allround", "stop", "shop", "needs", "bank", "savings", "loan", "mortgage", "travel", "holiday",
            "Versicherung", "Reise", "assurance", "voyage", "保険", "旅行", "страхование", "🚗", "🏠", "best", "price", "cover",
            "family", "car", "home", "pet", "health", "quote", "online", "today", "cheap", "trusted", "award-winning",
        ];
        string[] syllables = ["ka", "lo", "ven", "tri", "sa", "mor", "qui", "del", "ux", "ber", "zo", "pha", "ö", "é", "ny"];
        string Word() => Corpus == "varied" && random.Next(3) > 0
            ? string.Concat(Enumerable.Range(0, 2 + random.Next(4)).Select(_ => syllables[random.Next(syllables.Length)]))
            : words[random.Next(words.Length)];
        string Phrase(int n) => string.Join(' ', Enumerable.Range(0, n).Select(_ => Word()));

        _texts = Enumerable.Range(0, 4000).Select(i => i % 10 == 0
                ? string.Join("\n", Enumerable.Range(0, 20).Select(_ => Phrase(25)))
                : $"Company: {Phrase(2)}\nProduct: {Phrase(3)}\nAd:{Phrase(12)}!\nSupported:")
            .ToArray();
        _shared = TokenCounter.Create(Encoding);
        TotalTokens = _texts.Sum(t => (long)_shared.CountTokens(t));
        Console.WriteLine($"// Corpus: {_texts.Length} texts, {_texts.Sum(t => (long)t.Length)} chars, {TotalTokens} {Encoding} tokens, {Workers} workers, corpus {Corpus}");
    }

    [Benchmark(Baseline = true, Description = "1 thread, 1 counter")]
    public long SingleThread()
    {
        long total = 0;
        foreach (var text in _texts)
        {
            total += _shared.CountTokens(text);
        }

        return total;
    }

    [Benchmark(Description = "N workers, 1 shared counter")]
    public long ParallelShared()
    {
        long total = 0;
        Parallel.ForEach(System.Collections.Concurrent.Partitioner.Create(0, _texts.Length, 64),
            new ParallelOptions { MaxDegreeOfParallelism = Workers },
            () => 0L,
            (range, _, local) =>
            {
                for (int i = range.Item1; i < range.Item2; i++)
                {
                    local += _shared.CountTokens(_texts[i]);
                }

                return local;
            },
            local => Interlocked.Add(ref total, local));
        return total;
    }

    [Benchmark(Description = "N workers, counter per worker")]
    public long ParallelPerWorker()
    {
        long total = 0;
        Parallel.ForEach(System.Collections.Concurrent.Partitioner.Create(0, _texts.Length, 64),
            new ParallelOptions { MaxDegreeOfParallelism = Workers },
            () => 0L,
            (range, _, local) =>
            {
                var counter = TokenCounter.ForCurrentThread(Encoding);
                for (int i = range.Item1; i < range.Item2; i++)
                {
                    local += counter.CountTokens(_texts[i]);
                }

                return local;
            },
            local => Interlocked.Add(ref total, local));
        return total;
    }
}
