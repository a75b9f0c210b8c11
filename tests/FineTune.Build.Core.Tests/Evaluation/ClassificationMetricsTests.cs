using FineTune.Build.Evaluation;

namespace FineTune.Build.Core.Tests.Evaluation;

[TestClass]
public sealed class ClassificationMetricsTests
{
    private static ExampleOutcome O(string expected, string? predicted, double? p = null) =>
        new() { Expected = expected, Answer = predicted ?? "?", Predicted = predicted, ExpectedProbability = p };

    [TestMethod]
    public void KnownConfusionMatrix_GivesExactMetrics()
    {
        // yes: 5 right, 1 said no; no: 2 right, 1 said yes, 1 said something else.
        var outcomes = new[]
        {
            O(" yes", " yes"), O(" yes", " yes"), O(" yes", " yes"), O(" yes", " yes"), O(" yes", " yes"), O(" yes", " no"),
            O(" no", " no"), O(" no", " no"), O(" no", " yes"), O(" no", null),
        };

        var m = ClassificationMetrics.Compute([" yes", " no"], outcomes);

        CollectionAssert.AreEqual(new[] { " no", " yes" }, m.Classes.ToArray());
        CollectionAssert.AreEqual(new[] { 2, 1, 1 }, m.Confusion[0].ToArray(), "no row: no, yes, other");
        CollectionAssert.AreEqual(new[] { 1, 5, 0 }, m.Confusion[1].ToArray(), "yes row");
        Assert.AreEqual(0.7, m.Accuracy, 1e-12);
        Assert.AreEqual(7, m.Correct);
        Assert.AreEqual(1, m.OtherAnswers);
        var no = m.PerClass[0];
        var yes = m.PerClass[1];
        Assert.AreEqual((4, 3, 2), (no.Support, no.Predicted, no.TruePositives));
        Assert.AreEqual(2.0 / 3, no.Precision, 1e-12);
        Assert.AreEqual(0.5, no.Recall, 1e-12);
        Assert.AreEqual(4.0 / 7, no.F1, 1e-12);
        Assert.AreEqual(5.0 / 6, yes.Precision, 1e-12);
        Assert.AreEqual(5.0 / 6, yes.Recall, 1e-12);
        Assert.AreEqual(5.0 / 6, yes.F1, 1e-12);
        Assert.AreEqual((4.0 / 7 + 5.0 / 6) / 2, m.MacroF1, 1e-12);
        Assert.IsNull(m.MeanCorrectProbability, "no logprobs, no mean probability");
    }

    [TestMethod]
    public void NoPredictionsOfAClass_GivesZeroPrecisionNotNaN()
    {
        var m = ClassificationMetrics.Compute(["a", "b"], [O("a", "a", 0.9), O("b", "a", 0.2)]);

        Assert.AreEqual(0, m.PerClass[1].Precision);
        Assert.AreEqual(0, m.PerClass[1].F1);
        Assert.AreEqual(0.55, m.MeanCorrectProbability!.Value, 1e-12);
    }

    [TestMethod]
    public void GenerationMetrics_CountExactNormalisedAndStops()
    {
        var outcomes = new[]
        {
            new ExampleOutcome { Expected = "Paris is the capital.", Answer = "Paris is the capital.", Stopped = true, OutputTokens = 5 },
            new ExampleOutcome { Expected = "Paris is the capital.", Answer = "  paris IS   the capital. ", Stopped = true, OutputTokens = 7 },
            new ExampleOutcome { Expected = "Rome.", Answer = "Milan.", Stopped = false, OutputTokens = 3 },
        };

        var g = GenerationMetrics.Compute(outcomes);

        Assert.AreEqual((1, 2, 2), (g.ExactMatches, g.NormalizedMatches, g.Stopped));
        Assert.AreEqual(1.0 / 3, g.ExactMatch, 1e-12);
        Assert.AreEqual(2.0 / 3, g.NormalizedMatch, 1e-12);
        Assert.AreEqual(2.0 / 3, g.StopCompliance, 1e-12);
        Assert.AreEqual(5.0, g.MeanOutputTokens, 1e-12);
    }
}
