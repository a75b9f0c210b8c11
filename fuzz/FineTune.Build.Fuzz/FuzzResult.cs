namespace FineTune.Build.Fuzz;

/// <summary>What one target's run found: inputs run, crashes, hangs, memory failures, time and peak working set.</summary>
public sealed record FuzzResult(string Target, long Inputs, long Crashes, long Hangs, long MemoryFailures, TimeSpan Elapsed, long PeakWorkingSet)
{
    public bool Clean => Crashes == 0 && Hangs == 0 && MemoryFailures == 0;

    public override string ToString()
        => $"{Target}: {Inputs:N0} inputs in {Elapsed.TotalSeconds:F0} s ({Inputs / Math.Max(0.001, Elapsed.TotalSeconds):N0}/s), {Crashes} crashes, {Hangs} hangs over 10 s, {MemoryFailures} over 1 GB, peak working set {PeakWorkingSet / (1 << 20)} MB";
}
