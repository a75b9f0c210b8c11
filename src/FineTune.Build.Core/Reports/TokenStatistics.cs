namespace FineTune.Build.Reports;

/// <summary>Tokens per example over a set of examples: count, total, range and histogram.</summary>
public sealed class TokenStatistics
{
    /// <summary>
    /// Histogram buckets of tokens per example, exact below 16 and then 8 per doubling (16-17, 18-19, ... 1024-1151,
    /// ...): fine enough to draw any dataset, fixed so counts stream without knowing the range first.
    /// </summary>
    public const int BucketCount = 16 + 8 * 27;

    public int Examples { get; private set; }

    public long Total { get; private set; }

    public int Min { get; private set; }

    public int Max { get; private set; }

    public long[] Histogram { get; } = new long[BucketCount];

    public double Mean => Examples == 0 ? 0 : (double)Total / Examples;

    public static int BucketOf(int tokens)
    {
        if (tokens < 16)
        {
            return Math.Max(0, tokens);
        }

        var octave = 31 - System.Numerics.BitOperations.LeadingZeroCount((uint)tokens);
        var sub = (tokens >> (octave - 3)) & 7;
        return Math.Min(BucketCount - 1, 16 + (octave - 4) * 8 + sub);
    }

    /// <summary>The smallest token count of a bucket.</summary>
    public static long BucketStart(int bucket)
    {
        if (bucket < 16)
        {
            return bucket;
        }

        var octave = 4 + (bucket - 16) / 8;
        var sub = (bucket - 16) % 8;
        return (8L + sub) << (octave - 3);
    }

    public void Add(int tokens)
    {
        Min = Examples == 0 ? tokens : Math.Min(Min, tokens);
        Max = Math.Max(Max, tokens);
        Examples++;
        Total += tokens;
        Histogram[BucketOf(tokens)]++;
    }

    public static TokenStatistics Combine(TokenStatistics a, TokenStatistics b)
    {
        var all = new TokenStatistics
        {
            Examples = a.Examples + b.Examples,
            Total = a.Total + b.Total,
            Min = a.Examples == 0 ? b.Min : b.Examples == 0 ? a.Min : Math.Min(a.Min, b.Min),
            Max = Math.Max(a.Max, b.Max),
        };
        for (var i = 0; i < all.Histogram.Length; i++)
        {
            all.Histogram[i] = a.Histogram[i] + b.Histogram[i];
        }

        return all;
    }
}
