using FineTune.Build.Tokens;

namespace FineTune.Build.Core.Tests.Tokens;

// Expected values come from OpenAI's tiktoken (npm package tiktoken 1.x, encode(text, "all") for special tokens):
// see the report of the models branch for the script. They must never be adjusted to whatever the code returns.
[TestClass]
public sealed class TokenCounterTests
{
    private const string Ad = "Company: BHFF insurance\nProduct: allround insurance\nAd:One stop shop for all your insurance needs!\nSupported:";

    private static readonly string LongText = string.Join("\n", Enumerable.Range(0, 200)
        .Select(i => $"Line {i}: The quick brown fox jumps over the lazy dog; naïve café résumé — {i * i}."));

    private static string Sample(string key) => key switch
    {
        "empty" => "",
        "ascii" => "Hello, world! This is a test of the tokenizer.",
        "unicode" => "Grüße aus Köln – 東京で寿司を食べました。 Привет мир!",
        "emoji" => "I love 🍕 and 👨‍👩‍👧‍👦 families 🎉🎉",
        "ad" => Ad,
        "yes" => " yes",
        "no" => " no",
        "sep" => "\n\n###\n\n",
        "whitespace" => "   leading and trailing   \n\n\t",
        "code" => "for (int i = 0; i < n; i++) { sum += a[i] * 2; }",
        "special" => "text with <|endoftext|> inside",
        "long" => LongText,
        _ => throw new ArgumentOutOfRangeException(nameof(key)),
    };

    [TestMethod]
    [DataRow("r50k_base", "empty", 0)]
    [DataRow("r50k_base", "ascii", 13)]
    [DataRow("r50k_base", "unicode", 41)]
    [DataRow("r50k_base", "emoji", 27)]
    [DataRow("r50k_base", "ad", 27)]
    [DataRow("r50k_base", "yes", 1)]
    [DataRow("r50k_base", "no", 1)]
    [DataRow("r50k_base", "sep", 4)]
    [DataRow("r50k_base", "whitespace", 10)]
    [DataRow("r50k_base", "code", 24)]
    [DataRow("r50k_base", "special", 5)]
    [DataRow("r50k_base", "long", 4571)]
    [DataRow("cl100k_base", "empty", 0)]
    [DataRow("cl100k_base", "ascii", 12)]
    [DataRow("cl100k_base", "unicode", 27)]
    [DataRow("cl100k_base", "emoji", 30)]
    [DataRow("cl100k_base", "ad", 25)]
    [DataRow("cl100k_base", "yes", 1)]
    [DataRow("cl100k_base", "no", 1)]
    [DataRow("cl100k_base", "sep", 2)]
    [DataRow("cl100k_base", "whitespace", 6)]
    [DataRow("cl100k_base", "code", 25)]
    [DataRow("cl100k_base", "special", 5)]
    [DataRow("cl100k_base", "long", 4968)]
    [DataRow("o200k_base", "empty", 0)]
    [DataRow("o200k_base", "ascii", 12)]
    [DataRow("o200k_base", "unicode", 19)]
    [DataRow("o200k_base", "emoji", 21)]
    [DataRow("o200k_base", "ad", 25)]
    [DataRow("o200k_base", "yes", 1)]
    [DataRow("o200k_base", "no", 1)]
    [DataRow("o200k_base", "sep", 2)]
    [DataRow("o200k_base", "whitespace", 6)]
    [DataRow("o200k_base", "code", 25)]
    [DataRow("o200k_base", "special", 5)]
    [DataRow("o200k_base", "long", 4568)]
    public void CountTokens_matches_tiktoken(string encoding, string sample, int expected)
    {
        var counter = TokenCounter.Create(encoding);
        string text = Sample(sample);

        Assert.AreEqual(expected, counter.CountTokens(text), $"{encoding} {sample}");
        Assert.AreEqual(expected, counter.CountTokens(text.AsSpan()), $"{encoding} {sample} (span)");
        Assert.AreEqual(expected, counter.EncodeToIds(text).Count, $"{encoding} {sample} (ids)");
    }

    [TestMethod]
    [DataRow("r50k_base")]
    [DataRow("cl100k_base")]
    [DataRow("o200k_base")]
    public void Each_counter_gets_a_pattern_instance_of_its_own_with_the_same_matches(string encoding)
    {
        // One shared instance made a new regex runner per call whenever another worker held its only cached one.
        var first = TokenPatterns.For(encoding)!;
        var second = TokenPatterns.For(encoding)!;
        Assert.AreNotSame(first, second);
        Assert.AreSame(first.GetType(), second.GetType());
        Assert.AreEqual(first.ToString(), second.ToString());
        var words = first.Matches(LongText).Select(m => m.Value).ToList();
        CollectionAssert.AreEqual(words, second.Matches(LongText).Select(m => m.Value).ToList());
        Assert.IsTrue(words.Count > 1000);
    }

    [TestMethod]
    public void Long_sample_is_the_one_tiktoken_counted() => Assert.AreEqual(16143, LongText.Length);

    [TestMethod]
    [DataRow("r50k_base")]
    [DataRow("cl100k_base")]
    [DataRow("o200k_base")]
    public void Labels_with_leading_space_are_single_tokens(string encoding)
    {
        var counter = TokenCounter.Create(encoding);

        Assert.IsTrue(counter.IsSingleToken(" yes"));
        Assert.IsTrue(counter.IsSingleToken(" no"));
        Assert.IsFalse(counter.IsSingleToken(""));
        Assert.IsFalse(counter.IsSingleToken(null));
        Assert.IsFalse(counter.IsSingleToken(" yes no"));
        Assert.IsFalse(counter.IsSingleToken(Ad));
    }

    [TestMethod]
    public void IsSingleToken_agrees_with_CountTokens_on_a_long_label()
    {
        var counter = TokenCounter.Create(TokenEncodings.R50kBase);
        const string label = " supercalifragilisticexpialidocious";

        Assert.AreEqual(counter.CountTokens(label) == 1, counter.IsSingleToken(label));
        Assert.IsFalse(counter.IsSingleToken(label));
    }

    [TestMethod]
    public void Known_token_ids_match_tiktoken()
    {
        // tiktoken: r50k_base encodes " yes" as [3763] and cl100k_base as [10035]; o200k_base " yes" as [14531].
        CollectionAssert.AreEqual(new[] { 3763 }, TokenCounter.Create("r50k_base").EncodeToIds(" yes").ToArray());
        CollectionAssert.AreEqual(new[] { 10035 }, TokenCounter.Create("cl100k_base").EncodeToIds(" yes").ToArray());
        CollectionAssert.AreEqual(new[] { 14531 }, TokenCounter.Create("o200k_base").EncodeToIds(" yes").ToArray());
    }

    [TestMethod]
    public void FindSpecialToken_reports_reserved_tokens()
    {
        var counter = TokenCounter.Create(TokenEncodings.Cl100kBase);

        Assert.AreEqual("<|endoftext|>", counter.FindSpecialToken("a <|endoftext|> b"));
        Assert.IsNull(counter.FindSpecialToken("a <| b |> c"));
        Assert.IsNull(counter.FindSpecialToken(null));
        Assert.IsTrue(counter.SpecialTokens.Contains("<|endoftext|>"));
    }

    [TestMethod]
    public void Unknown_encoding_is_rejected_with_the_known_ones_named()
    {
        var ex = Assert.ThrowsExactly<ArgumentException>(() => TokenCounter.Create("p99k_base"));
        StringAssert.Contains(ex.Message, "o200k_base");
    }

    [TestMethod]
    public async Task ForCurrentThread_gives_one_counter_per_thread_and_encoding()
    {
        var a = TokenCounter.ForCurrentThread(TokenEncodings.O200kBase);
        Assert.AreSame(a, TokenCounter.ForCurrentThread(TokenEncodings.O200kBase));
        Assert.AreNotSame(a, TokenCounter.ForCurrentThread(TokenEncodings.Cl100kBase));

        TokenCounter? other = null;
        var thread = new Thread(() => other = TokenCounter.ForCurrentThread(TokenEncodings.O200kBase));
        thread.Start();
        thread.Join();
        Assert.IsNotNull(other);
        Assert.AreNotSame(a, other);

        // Counters built concurrently on pool threads agree with each other.
        var counts = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
            TokenCounter.ForCurrentThread(TokenEncodings.Cl100kBase).CountTokens(LongText))));
        Assert.IsTrue(counts.All(c => c == 4968));
    }
}
