using System.Diagnostics;
using System.Security.Cryptography;

namespace FineTune.Build.Fuzz;

/// <summary>
/// Runs a target's inputs on worker threads under a watchdog. Input <c>n</c> is the n-th output of a
/// <see cref="Mutator"/> seeded with <c>seed + worker</c>, so a finding is replayed from its seed and number. An
/// exception is a crash (the input and stack trace are saved and the run goes on); an input running over
/// <see cref="HangTimeout"/> is a hang and the process working set over <see cref="MemoryLimit"/> a memory failure:
/// both are saved and stop the run, since a thread cannot be aborted.
/// </summary>
public sealed class FuzzRunner
{
    public static readonly TimeSpan HangTimeout = TimeSpan.FromSeconds(10);

    public const long MemoryLimit = 1L << 30;

    private readonly FuzzTarget _target;
    private readonly string _findings;
    private readonly TextWriter _log;
    private long _done;
    private long _crashes;

    public FuzzRunner(FuzzTarget target, string findingsFolder, TextWriter log)
    {
        _target = target;
        _findings = findingsFolder;
        _log = log;
    }

    /// <summary>Runs <paramref name="count"/> inputs on <paramref name="workers"/> threads; returns the number of findings.</summary>
    public FuzzResult Run(long count, int workers, int seed)
    {
        var scratch = Path.Combine(Path.GetTempPath(), $"ftfuzz-{Environment.ProcessId}-{_target.Name}");
        var clock = Stopwatch.StartNew();
        var started = new long[workers];
        var current = new byte[workers][];
        var numbers = new long[workers];
        var threads = new Thread[workers];
        long peak = 0;
        for (var w = 0; w < workers; w++)
        {
            var worker = w;
            started[w] = -1;
            threads[w] = new Thread(() => Work(worker, workers, count, seed, scratch, clock, started, current, numbers), 64 * 1024 * 1024)
            {
                IsBackground = true,
                Name = $"fuzz-{_target.Name}-{w}",
            };
            threads[w].Start();
        }

        var lastReport = clock.Elapsed;
        while (threads.Any(t => t.IsAlive))
        {
            Thread.Sleep(200);
            using var process = Process.GetCurrentProcess();
            var memory = process.WorkingSet64;
            peak = Math.Max(peak, memory);
            for (var w = 0; w < workers; w++)
            {
                var since = Volatile.Read(ref started[w]);
                if (since >= 0 && clock.ElapsedMilliseconds - since > HangTimeout.TotalMilliseconds)
                {
                    Save("hang", current[w], numbers[w], $"No result after {HangTimeout.TotalSeconds} s.");
                    return new FuzzResult(_target.Name, Interlocked.Read(ref _done), Interlocked.Read(ref _crashes), 1, 0, clock.Elapsed, peak);
                }
            }

            if (memory > MemoryLimit)
            {
                for (var w = 0; w < workers; w++)
                {
                    Save("memory", current[w], numbers[w], $"Working set {memory / (1 << 20)} MB with this input in flight.");
                }

                return new FuzzResult(_target.Name, Interlocked.Read(ref _done), Interlocked.Read(ref _crashes), 0, 1, clock.Elapsed, peak);
            }

            if (clock.Elapsed - lastReport > TimeSpan.FromSeconds(30))
            {
                lastReport = clock.Elapsed;
                _log.WriteLine($"{_target.Name}: {Interlocked.Read(ref _done):N0} inputs, {Interlocked.Read(ref _crashes)} crashes, {clock.Elapsed.TotalSeconds:F0} s, {memory / (1 << 20)} MB");
            }
        }

        try
        {
            Directory.Delete(scratch, recursive: true);
        }
        catch (IOException)
        {
        }

        return new FuzzResult(_target.Name, Interlocked.Read(ref _done), Interlocked.Read(ref _crashes), 0, 0, clock.Elapsed, peak);
    }

    private void Work(int worker, int workers, long count, int seed, string scratch, Stopwatch clock, long[] started, byte[][] current, long[] numbers)
    {
        var folder = Path.Combine(scratch, worker.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Directory.CreateDirectory(folder);
        var mutator = new Mutator(_target.Seeds, seed + worker);
        var staged = new StagedCompile();

        // Worker w runs inputs w, w + workers, w + 2 workers, ...: the numbers are the same whatever the thread count.
        for (var number = (long)worker; number < count; number += workers)
        {
            var input = mutator.Next();
            current[worker] = input;
            numbers[worker] = number;
            Volatile.Write(ref started[worker], clock.ElapsedMilliseconds);
            try
            {
                _target.Run(input, number, folder, staged);
            }
            catch (Exception e)
            {
                Interlocked.Increment(ref _crashes);
                Save("crash", input, number, e.ToString());
            }

            Volatile.Write(ref started[worker], -1);
            Interlocked.Increment(ref _done);
        }
    }

    private void Save(string kind, byte[]? input, long number, string detail)
    {
        if (input is null)
        {
            return;
        }

        Directory.CreateDirectory(_findings);
        var hash = Convert.ToHexStringLower(SHA256.HashData(input))[..12];
        var name = Path.Combine(_findings, $"{kind}-{_target.Name}-{hash}");
        File.WriteAllBytes(name + ".input", input);
        File.WriteAllText(name + ".txt", $"target {_target.Name}, input {number}\n{detail}\n");
        lock (_log)
        {
            _log.WriteLine($"{kind.ToUpperInvariant()} {_target.Name} input {number}: {name}.input\n{detail.Split('\n')[0]}");
        }
    }
}
