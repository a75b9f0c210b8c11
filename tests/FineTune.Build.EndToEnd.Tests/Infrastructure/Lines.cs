namespace FineTune.Build.EndToEnd.Tests.Infrastructure;

/// <summary>Compares files line by line and reports only the first difference (datasets are large).</summary>
public static class Lines
{
    public static void AssertEqual(IReadOnlyList<string> expected, IReadOnlyList<string> actual, string message = "")
    {
        for (var i = 0; i < Math.Min(expected.Count, actual.Count); i++)
        {
            if (expected[i] != actual[i])
            {
                Assert.Fail($"{message}: line {i + 1} differs.\nexpected: {Clip(expected[i])}\nactual:   {Clip(actual[i])}");
            }
        }

        Assert.AreEqual(expected.Count, actual.Count, $"{message}: line count");
    }

    private static string Clip(string line) => line.Length > 400 ? line[..400] + "..." : line;
}
