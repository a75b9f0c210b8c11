using System.Security.Cryptography;

namespace FineTune.Build.Output;

/// <summary>
/// A write-only stream that passes bytes on to another and hashes them (SHA-256) on the way, so an output's hash
/// and length are known when it is written, without reading the file again.
/// </summary>
public sealed class HashingStream : Stream
{
    private readonly Stream _inner;
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private long _length;

    public HashingStream(Stream inner)
    {
        _inner = inner;
    }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    /// <summary>Bytes written so far.</summary>
    public override long Length => _length;

    public override long Position
    {
        get => _length;
        set => throw new NotSupportedException();
    }

    /// <summary>The lower-case hex SHA-256 of the bytes written so far.</summary>
    public string Sha256()
    {
        Span<byte> hash = stackalloc byte[32];
        _hash.GetCurrentHash(hash);
        return Convert.ToHexString(hash).ToLowerInvariant();
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        _inner.Write(buffer);
        _hash.AppendData(buffer);
        _length += buffer.Length;
    }

    public override void WriteByte(byte value) => Write([value]);

    public override void Flush() => _inner.Flush();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        // The inner stream belongs to its owner (an AtomicFile commits or deletes it); only the hash is ours.
        if (disposing)
        {
            _hash.Dispose();
        }

        base.Dispose(disposing);
    }
}
