using System.Diagnostics;

namespace FineTune.Build.Compilation;

/// <summary>
/// Time spent in each stage of a compile (<see cref="CompileOptions.Timings"/>), for the benchmark. The parallel
/// stages (check, count, split) add up the time of every worker, so they can exceed the wall-clock time.
/// </summary>
public sealed class StageTimings
{
    private readonly long[] _ticks = new long[Enum.GetValues<CompileStage>().Length];

    public TimeSpan this[CompileStage stage] => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _ticks[(int)stage]));

    /// <summary>Adds the time since <paramref name="start"/> (a <see cref="Stopwatch.GetTimestamp"/>) to a stage; returns now.</summary>
    public long Add(CompileStage stage, long start)
    {
        var now = Stopwatch.GetTimestamp();
        Interlocked.Add(ref _ticks[(int)stage], now - start);
        return now;
    }
}
