using System.Text;
using FineTune.Build.Compilation;
using FineTune.Build.Sources;

namespace FineTune.Build.Core.Tests.Compilation;

[TestClass]
public sealed class SplitAssignerTests
{
    private static byte[] Id(int i) => Encoding.UTF8.GetBytes("id:example-" + i);

    [TestMethod]
    public void Position_IsTheDocumentedSha256OfSeedAndIdentity()
    {
        // Python: sha256(seed + b"\0" + identity), first 8 bytes big-endian, >> 11, / 2**53.
        Assert.AreEqual(0.6309905081503153, new SplitAssigner(0.2, "0").Position("id:abc"u8));
        Assert.AreEqual(0.26210753593595437, new SplitAssigner(0.2, "42").Position("id:abc"u8));
    }

    [TestMethod]
    public void Assignment_IsDeterministicAcrossInstances()
    {
        var a = new SplitAssigner(0.3, "seed");
        var b = new SplitAssigner(0.3, "seed");
        var first = string.Concat(Enumerable.Range(0, 500).Select(i => a.IsValidation(Id(i), SplitPin.None) ? 'v' : 't'));
        var second = string.Concat(Enumerable.Range(0, 500).Select(i => b.IsValidation(Id(i), SplitPin.None) ? 'v' : 't'));

        Assert.AreEqual(first, second);
        Assert.Contains("v", first);
        Assert.Contains("t", first);
    }

    [TestMethod]
    public void AnotherSeed_GivesAnotherSplit()
    {
        var a = new SplitAssigner(0.3, "1");
        var b = new SplitAssigner(0.3, "2");
        var differ = Enumerable.Range(0, 1000).Count(i => a.IsValidation(Id(i), SplitPin.None) != b.IsValidation(Id(i), SplitPin.None));

        Assert.IsGreaterThan(200, differ);
    }

    [TestMethod]
    public void AddingExamples_NeverMovesExistingOnes()
    {
        // Assign 1000 identities, then a dataset with 500 more (interleaved, in another order): the first 1000 keep their side.
        var before = new SplitAssigner(0.2, "0");
        var sides = Enumerable.Range(0, 1000).ToDictionary(i => i, i => before.IsValidation(Id(i), SplitPin.None));

        var after = new SplitAssigner(0.2, "0");
        var grown = Enumerable.Range(0, 1500).Reverse().ToDictionary(i => i, i => after.IsValidation(Id(i), SplitPin.None));

        Assert.AreEqual(0, Enumerable.Range(0, 1000).Count(i => sides[i] != grown[i]));
    }

    [TestMethod]
    [DataRow(0.2)]
    [DataRow(0.1)]
    [DataRow(0.5)]
    public void Fraction_IsNearTheTarget(double fraction)
    {
        var split = new SplitAssigner(fraction, "0");
        var validation = Enumerable.Range(0, 10_000).Count(i => split.IsValidation(Id(i), SplitPin.None));

        // Binomial(10000, p): 5 standard deviations is at most 250.
        Assert.IsLessThan(250, Math.Abs(validation - fraction * 10_000), $"{validation} of 10000");
    }

    [TestMethod]
    public void FractionZero_PutsEverythingInTrain()
    {
        var split = new SplitAssigner(0, "0");

        Assert.AreEqual(0, Enumerable.Range(0, 1000).Count(i => split.IsValidation(Id(i), SplitPin.None)));
    }

    [TestMethod]
    public void Pins_WinOverTheHash()
    {
        var none = new SplitAssigner(0, "0");
        var half = new SplitAssigner(0.5, "0");
        var validationByHash = Enumerable.Range(0, 100).First(i => half.IsValidation(Id(i), SplitPin.None));
        var trainByHash = Enumerable.Range(0, 100).First(i => !half.IsValidation(Id(i), SplitPin.None));

        Assert.IsTrue(none.IsValidation(Id(1), SplitPin.Validation));
        Assert.IsFalse(half.IsValidation(Id(validationByHash), SplitPin.Train));
        Assert.IsTrue(half.IsValidation(Id(trainByHash), SplitPin.Validation));
    }

    [TestMethod]
    public void Positions_AreInTheUnitInterval()
    {
        var split = new SplitAssigner(0.2, "0");
        var positions = Enumerable.Range(0, 2000).Select(i => split.Position(Id(i))).ToList();

        Assert.IsTrue(positions.All(p => p >= 0 && p < 1));
        Assert.IsLessThan(0.01, positions.Min());
        Assert.IsGreaterThan(0.99, positions.Max());
    }
}
