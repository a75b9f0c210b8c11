using System.Diagnostics.Tracing;

namespace FineTune.Build.Benchmarks;

/// <summary>
/// Counts the runtime's GC events in-process (<c>compile-child</c> with FINETUNE_BENCH_GC=1): collections by
/// generation and reason, and the allocation samples (one per ~100 KB) by type, small and large object heap.
/// Found the regex runners that two workers sharing one pattern allocated.
/// </summary>
internal sealed class GcListener : EventListener
{
    private const string RuntimeSource = "Microsoft-Windows-DotNETRuntime";
    private const long GcKeyword = 0x1;

    private readonly object _gate = new();
    private readonly Dictionary<string, int> _collections = [];
    private readonly Dictionary<string, long> _largeSamples = [];
    private readonly Dictionary<string, long> _smallSamples = [];

    public void Print(TextWriter writer)
    {
        lock (_gate)
        {
            foreach (var (what, count) in _collections.OrderByDescending(c => c.Value))
            {
                writer.WriteLine($"collections {what}: {count}");
            }

            Print(writer, "large object heap", _largeSamples);
            Print(writer, "small object heap", _smallSamples);
        }
    }

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == RuntimeSource)
        {
            EnableEvents(eventSource, EventLevel.Verbose, (EventKeywords)GcKeyword);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (eventData.Payload is not { } payload || eventData.PayloadNames is not { } names)
        {
            return;
        }

        lock (_gate)
        {
            if (eventData.EventName == "GCStart_V2")
            {
                var what = $"gen{payload[names.IndexOf("Depth")]} reason {payload[names.IndexOf("Reason")]} type {payload[names.IndexOf("Type")]}";
                _collections[what] = _collections.GetValueOrDefault(what) + 1;
            }
            else if (eventData.EventName?.StartsWith("GCAllocationTick", StringComparison.Ordinal) == true)
            {
                var large = Convert.ToInt32(payload[names.IndexOf("AllocationKind")], System.Globalization.CultureInfo.InvariantCulture) == 1;
                var type = payload[names.IndexOf("TypeName")]?.ToString() ?? "?";
                var samples = large ? _largeSamples : _smallSamples;
                samples[type] = samples.GetValueOrDefault(type) + 1;
            }
        }
    }

    private static void Print(TextWriter writer, string heap, Dictionary<string, long> samples)
    {
        foreach (var (type, count) in samples.OrderByDescending(s => s.Value).Take(15))
        {
            writer.WriteLine($"{heap} samples {type}: {count}");
        }
    }
}
