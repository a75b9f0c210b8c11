using System.Globalization;

namespace FineTune.Build.Compilation;

/// <summary>
/// How far a long compile has come (<see cref="CompileOptions.Progress"/>). The input read so far is estimated: the
/// sources already finished plus, for the current one, the bytes written for it (at most its size), since readers
/// do not expose their position.
/// </summary>
public sealed record CompileProgress(int Examples, long InputBytes, long TotalInputBytes, TimeSpan Elapsed)
{
    public double BytesPerSecond => Elapsed.TotalSeconds > 0 ? InputBytes / Elapsed.TotalSeconds : 0;

    public double ExamplesPerSecond => Elapsed.TotalSeconds > 0 ? Examples / Elapsed.TotalSeconds : 0;

    /// <summary>What remains at the rate so far; null before there is a rate.</summary>
    public TimeSpan? Remaining => BytesPerSecond > 0
        ? TimeSpan.FromSeconds(Math.Max(0, TotalInputBytes - InputBytes) / BytesPerSecond)
        : null;

    /// <summary>One line for a build log or a terminal, e.g. "120,000 examples, 31.2 of 48.7 MB (64%), 9.8 MB/s, about 2 s left".</summary>
    public override string ToString()
    {
        var culture = CultureInfo.InvariantCulture;
        var percent = TotalInputBytes > 0 ? 100.0 * InputBytes / TotalInputBytes : 100;
        var left = Remaining is { } remaining ? $", about {Math.Ceiling(remaining.TotalSeconds).ToString("0", culture)} s left" : "";
        return string.Create(culture,
            $"{Examples:N0} examples ({ExamplesPerSecond:N0}/s), {InputBytes / 1e6:F1} of {TotalInputBytes / 1e6:F1} MB ({percent:F0}%), {BytesPerSecond / 1e6:F1} MB/s{left}");
    }
}
