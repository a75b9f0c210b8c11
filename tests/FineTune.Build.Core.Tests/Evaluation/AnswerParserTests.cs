using System.Text;
using FineTune.Build.Training.Evaluation;

namespace FineTune.Build.Core.Tests.Evaluation;

[TestClass]
public sealed class AnswerParserTests
{
    private static ReadOnlyMemory<byte> J(string json) => Encoding.UTF8.GetBytes(json);

    [TestMethod]
    public void LegacyCompletion_TopLogprobsAsAnObject_MostLikelyFirst()
    {
        var answer = AnswerParser.ParseCompletion(J("""
            {"choices":[{"text":" no","finish_reason":"length","logprobs":{"tokens":[" no"],"token_logprobs":[-0.2],
             "top_logprobs":[{" yes":-1.9," no":-0.2," maybe":-4.0}]}}],"usage":{"completion_tokens":1}}
            """));

        Assert.AreEqual(" no", answer.Text);
        Assert.AreEqual("length", answer.FinishReason);
        Assert.AreEqual(1, answer.OutputTokens);
        Assert.AreEqual(" no", answer.TopToken);
        CollectionAssert.AreEqual(new[] { " no", " yes", " maybe" }, answer.TopTokens.Select(t => t.Token).ToArray());
        Assert.AreEqual(-1.9, answer.TopTokens[1].Logprob);
    }

    [TestMethod]
    public void LegacyCompletion_SampledTokenMissingFromTop_IsAdded()
    {
        var answer = AnswerParser.ParseCompletion(J("""
            {"choices":[{"text":" yes","logprobs":{"tokens":[" yes"],"token_logprobs":[-0.05],"top_logprobs":[{" no":-3.0}]}}]}
            """));

        CollectionAssert.AreEqual(new[] { " yes", " no" }, answer.TopTokens.Select(t => t.Token).ToArray());
        Assert.AreEqual(0, answer.OutputTokens, "no usage");
    }

    [TestMethod]
    public void Chat_TopLogprobsAsAnArray()
    {
        var answer = AnswerParser.ParseChat(J("""
            {"choices":[{"message":{"role":"assistant","content":"positive"},"finish_reason":"stop",
              "logprobs":{"content":[{"token":"positive","logprob":-0.1,"top_logprobs":[{"token":"negative","logprob":-2.5},{"token":"positive","logprob":-0.1}]}]}}],
             "usage":{"completion_tokens":1}}
            """));

        Assert.AreEqual("positive", answer.Text);
        Assert.AreEqual("stop", answer.FinishReason);
        CollectionAssert.AreEqual(new[] { "positive", "negative" }, answer.TopTokens.Select(t => t.Token).ToArray());
    }

    [TestMethod]
    public void NoLogprobs_TopTokenIsTheText()
    {
        var answer = AnswerParser.ParseChat(J("""{"choices":[{"message":{"content":"yes"},"logprobs":null}]}"""));

        Assert.AreEqual("yes", answer.TopToken);
        Assert.IsEmpty(answer.TopTokens);
    }

    [TestMethod]
    public void ClassMatcher_ExactThenTrimmedThenUniquePrefix_ElseOther()
    {
        var matcher = new ClassMatcher([" yes", " no", " neutral"]);

        Assert.AreEqual(" yes", matcher.Match(" yes"));
        Assert.AreEqual(" yes", matcher.Match("yes"));
        Assert.AreEqual(" neutral", matcher.Match(" neu"));
        Assert.IsNull(matcher.Match(" n"), "ambiguous prefix: no and neutral");
        Assert.IsNull(matcher.Match(" maybe"));
        Assert.IsNull(matcher.Match("  "));
    }
}
