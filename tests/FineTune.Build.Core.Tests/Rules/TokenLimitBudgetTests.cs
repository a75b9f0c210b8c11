using System.Diagnostics;
using System.Text;
using FineTune.Build.Examples;
using FineTune.Build.Rules;
using FineTune.Build.Tokens;
using static FineTune.Build.Core.Tests.Rules.RuleHarness;

namespace FineTune.Build.Core.Tests.Rules;

/// <summary>An example far over the model's limit is reported without counting all of it.</summary>
[TestClass]
public sealed class TokenLimitBudgetTests
{
    [TestMethod]
    public void FarOverTheLimit_IsReportedAsMoreThanTheBudget_InBoundedTime()
    {
        // 6 MB of ordinary words: about 1.2 M tokens, for a model that takes 65,536.
        var words = new StringBuilder();
        while (words.Length < 6_000_000)
        {
            words.Append("the quick brown fox jumps over the lazy dog and keeps running ");
        }

        using var folder = new TempFolder();
        var line = "{\"messages\": [{\"role\": \"user\", \"content\": \"" + words + "\"}, {\"role\": \"assistant\", \"content\": \"ok\"}]}\n";
        var example = Bind(folder, "big.jsonl", line, DatasetFormat.Chat)[0];
        var model = Model("gpt-4o-mini-2024-07-18");
        var budget = TokenLimitRule.CountingBudget(model.MaxExampleTokens);

        var clock = Stopwatch.StartNew();
        var context = new RuleContext(model, "gpt-4o-mini-2024-07-18", () => TokenCounter.ForCurrentThread(model.Tokenizer));
        new TokenLimitRule().Check(example, context);
        clock.Stop();

        var diagnostic = Single(context.Pending, "FT4010", 1, 1, Build.Diagnostics.DiagnosticSeverity.Error);
        StringAssert.StartsWith(diagnostic.Message, $"This example is more than {budget} tokens (counting stopped there); gpt-4o-mini-2024-07-18 takes at most {model.MaxExampleTokens} per example");
        Assert.AreEqual(budget + 1, context.TokenCount);
        Assert.IsLessThan(5_000, clock.ElapsedMilliseconds, "only the budget's worth of text is encoded");
    }

    [TestMethod]
    public void BoundedCount_IsTheExactCount_UpToTheBudget_AndBudgetPlusOneBeyond()
    {
        var counter = TokenCounter.Create("o200k_base");
        var text = string.Concat(Enumerable.Repeat("Hello, world! Ünïcödé text and 12345 numbers. ", 200)) + new string('x', 2000);
        var exact = counter.CountTokens(text);

        Assert.AreEqual(exact, counter.CountTokens(text, exact));
        Assert.AreEqual(exact, counter.CountTokens(text, exact * 3));
        Assert.AreEqual(exact, counter.CountTokens(text, exact - 1), "one short of the count: the budget plus one");
        Assert.AreEqual(11, counter.CountTokens(text, 10));
        Assert.AreEqual(1, counter.CountTokens(text, 0));
    }
}
