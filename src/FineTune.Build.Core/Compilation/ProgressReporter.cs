using System.Diagnostics;

namespace FineTune.Build.Compilation;

/// <summary>
/// Calls <see cref="CompileOptions.Progress"/> only for long compiles: nothing in the first two seconds, then at
/// most once a second. Called from the ordered stage, after each batch.
/// </summary>
internal sealed class ProgressReporter
{
    private readonly Action<CompileProgress>? _callback;
    private readonly TimeSpan _interval;
    private readonly long _totalBytes;
    private readonly long _start = Stopwatch.GetTimestamp();
    private TimeSpan _next;
    private long _finishedSources;
    private long _currentSize;
    private long _currentWritten;
    private int _examples;

    public ProgressReporter(Action<CompileProgress>? callback, IEnumerable<string> sourcePaths)
        : this(callback, sourcePaths, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1))
    {
    }

    internal ProgressReporter(Action<CompileProgress>? callback, IEnumerable<string> sourcePaths, TimeSpan delay, TimeSpan interval)
    {
        _callback = callback;
        _next = delay;
        _interval = interval;
        if (callback is not null)
        {
            _totalBytes = sourcePaths.Sum(SizeOf);
        }
    }

    public void BeginSource(string path)
    {
        _finishedSources += _currentSize;
        _currentSize = _callback is null ? 0 : SizeOf(path);
        _currentWritten = 0;
    }

    public void Add(int outputBytes)
    {
        _examples++;
        _currentWritten += outputBytes;
    }

    public void Report()
    {
        if (_callback is null)
        {
            return;
        }

        var elapsed = Stopwatch.GetElapsedTime(_start);
        if (elapsed < _next)
        {
            return;
        }

        _next = elapsed + _interval;
        var done = Math.Min(_totalBytes, _finishedSources + Math.Min(_currentWritten, _currentSize));
        _callback(new CompileProgress(_examples, done, _totalBytes, elapsed));
    }

    /// <summary>The size of the file at <paramref name="path"/>, through symbolic links (a link's own size is its path's length).</summary>
    internal static long SizeOf(string path)
    {
        try
        {
            var info = new FileInfo(path);
            return (info.LinkTarget is null ? info : info.ResolveLinkTarget(returnFinalTarget: true) as FileInfo ?? info).Length;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return 0;
        }
    }
}
