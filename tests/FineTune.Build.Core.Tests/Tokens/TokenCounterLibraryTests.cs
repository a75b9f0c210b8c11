using FineTune.Build.Tokens;
using Microsoft.ML.Tokenizers;

namespace FineTune.Build.Core.Tests.Tokens;

/// <summary>
/// TokenCounter pre-tokenizes with its own copy of the library's patterns and caches word counts itself; on any
/// text it must count exactly what Microsoft.ML.Tokenizers' own CountTokens counts.
/// </summary>
[TestClass]
public sealed class TokenCounterLibraryTests
{
    private static readonly string[] Pieces =
    [
        "the", "Model", "answers", "customer's", "IT'LL", "we've", "données", "naïve", "1234567", "12", "—", "!!", "\n\n", "\r\n",
        "  ", "\t", "<|endoftext|>", "<|endofprompt|>", "<|fim_prefix|>", "<|", "|>", "😀", "👨‍👩‍👧", "東京", "x/y", "/\n", "    ",
        "Привет", "ΑΒΓ", "e\u0301", "{\"a\": [1, 2]}", "$120.50", "...", "'s", "'", "ŞŞŞ", "Mc", "McDONALD", "aB", "AbC",
    ];

    [TestMethod]
    [DataRow("r50k_base")]
    [DataRow("cl100k_base")]
    [DataRow("o200k_base")]
    public void CountTokens_equals_the_library_on_mixed_text(string encoding)
    {
        var library = TiktokenTokenizer.CreateForEncoding(encoding);
        var counter = TokenCounter.Create(encoding);
        var random = new Random(11);
        for (var i = 0; i < 3000; i++)
        {
            var text = string.Concat(Enumerable.Range(0, random.Next(1, 40))
                .Select(_ => (random.Next(3) == 0 ? "" : " ") + Pieces[random.Next(Pieces.Length)]));
            Assert.AreEqual(library.CountTokens(text), counter.CountTokens(text), $"{encoding}: [{text}]");
        }
    }

    [TestMethod]
    public void CountTokens_stays_exact_after_the_word_cache_starts_over()
    {
        // More distinct short words than the cache holds: it clears itself and counts on.
        var library = TiktokenTokenizer.CreateForEncoding("cl100k_base");
        var counter = TokenCounter.Create("cl100k_base");
        for (var round = 0; round < 2; round++)
        {
            for (var i = 0; i < 70_000; i += 7)
            {
                var text = $"w{i:x} q{i * 31 % 99991:x}z {i}";
                Assert.AreEqual(library.CountTokens(text), counter.CountTokens(text), text);
            }
        }
    }
}
