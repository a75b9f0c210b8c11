namespace FineTune.Build.Sources;

/// <summary>
/// Hands the YAML scanner its text and stops it when one token (a scalar or a comment) grows past a bound: the
/// scanner buffers a whole scalar before the parser sees it, so without this a 100 MB scalar is held in memory
/// (several times over) before any limit could be checked. The distance is measured from the end of the last
/// event the parser produced.
/// </summary>
internal sealed class BoundedTextReader : TextReader
{
    private const int CheckEvery = 4096;

    private readonly TextReader _inner;
    private readonly Func<long> _lastEventEnd;
    private readonly long _maxToken;
    private long _position;
    private long _nextCheck = CheckEvery;

    public BoundedTextReader(TextReader inner, long maxToken, Func<long> lastEventEnd)
    {
        _inner = inner;
        _maxToken = maxToken;
        _lastEventEnd = lastEventEnd;
    }

    /// <summary>Raised (from inside the scanner) when a token outgrows the bound.</summary>
    public event Action? TokenTooLong;

    public override int Peek() => _inner.Peek();

    public override int Read()
    {
        var c = _inner.Read();
        if (c >= 0)
        {
            Advance(1);
        }

        return c;
    }

    public override int Read(char[] buffer, int index, int count) => Advanced(_inner.Read(buffer, index, count));

    public override int Read(Span<char> buffer) => Advanced(_inner.Read(buffer));

    private int Advanced(int read)
    {
        Advance(read);
        return read;
    }

    private void Advance(int count)
    {
        _position += count;
        if (_position < _nextCheck)
        {
            return;
        }

        _nextCheck = _position + CheckEvery;
        if (_position - _lastEventEnd() > _maxToken)
        {
            TokenTooLong?.Invoke();
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
