using System.Collections.Concurrent;

namespace FineTune.Build.Compilation;

/// <summary>
/// The hand-over between the compiler's reader thread and its ordered stage: a bounded queue (so the reader is at
/// most a few batches ahead and memory stays flat), a count of the segments the ordered stage has finished (so the
/// reader can wait for it to be idle), and cancellation of the reader when the ordered stage fails.
/// </summary>
internal sealed class CompilePipeline : IDisposable
{
    private readonly BlockingCollection<CompileSegment> _queue;
    private readonly CancellationTokenSource _cancel = new();
    private readonly object _gate = new();
    private long _added;
    private long _done;
    private Task? _producer;

    public CompilePipeline(int capacity)
    {
        _queue = new BlockingCollection<CompileSegment>(capacity);
    }

    /// <summary>Runs <paramref name="produce"/> on a thread of its own; the queue completes when it returns or throws.</summary>
    public Task StartProducer(Action produce)
    {
        _producer = Task.Factory.StartNew(() =>
        {
            try
            {
                produce();
            }
            finally
            {
                _queue.CompleteAdding();
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        return _producer;
    }

    /// <summary>Queues a segment, waiting while the queue is full.</summary>
    public void Add(CompileSegment segment)
    {
        lock (_gate)
        {
            _added++;
        }

        _queue.Add(segment, _cancel.Token);
    }

    /// <summary>The next segment if one is queued, without waiting.</summary>
    public bool TryTake(out CompileSegment? segment) => _queue.TryTake(out segment);

    /// <summary>Waits for the next segment; false when the producer is done and the queue empty.</summary>
    public bool Take(out CompileSegment? segment) => _queue.TryTake(out segment, Timeout.Infinite);

    /// <summary>The ordered stage has finished a segment.</summary>
    public void Done()
    {
        lock (_gate)
        {
            _done++;
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>Waits until the ordered stage has finished every segment queued so far.</summary>
    public void WaitUntilIdle()
    {
        lock (_gate)
        {
            while (_done < _added)
            {
                _cancel.Token.ThrowIfCancellationRequested();
                Monitor.Wait(_gate, TimeSpan.FromMilliseconds(100));
            }
        }
    }

    /// <summary>Stops the producer (if it still runs) and waits for its thread to end, so nothing it uses is disposed under it.</summary>
    public void Stop()
    {
        _cancel.Cancel();
        try
        {
            _producer?.Wait();
        }
        catch (AggregateException)
        {
            // Its exception, if any, is the caller's to observe (the task it was given).
        }
    }

    public void Dispose()
    {
        _queue.Dispose();
        _cancel.Dispose();
    }
}
