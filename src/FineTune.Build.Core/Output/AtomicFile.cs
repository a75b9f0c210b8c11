namespace FineTune.Build.Output;

/// <summary>
/// A file written beside its destination under a temporary name and moved into place only on
/// <see cref="Commit"/>, so a failed or interrupted compile never leaves a half-written output.
/// </summary>
public sealed class AtomicFile : IDisposable
{
    private readonly FileStream _stream;
    private bool _committed;

    public AtomicFile(string path)
    {
        Path = path;
        TempPath = path + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp";
        try
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
            _stream = new FileStream(TempPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 64 * 1024, FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is not OutputWriteException && OutputWriteException.IsFileSystemFailure(e))
        {
            throw new OutputWriteException(path, e);
        }
    }

    public string Path { get; }

    public string TempPath { get; }

    public Stream Stream => _stream;

    public void Commit()
    {
        try
        {
            _stream.Flush(flushToDisk: true);
            _stream.Dispose();
            File.Move(TempPath, Path, overwrite: true);
        }
        catch (Exception e) when (e is not OutputWriteException && OutputWriteException.IsFileSystemFailure(e))
        {
            throw new OutputWriteException(Path, e);
        }

        _committed = true;
    }

    /// <summary>Writes all bytes atomically.</summary>
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> bytes)
    {
        using var file = new AtomicFile(path);
        file.Stream.Write(bytes);
        file.Commit();
    }

    public void Dispose()
    {
        if (!_committed)
        {
            _stream.Dispose();
            try
            {
                File.Delete(TempPath);
            }
            catch (Exception e) when (OutputWriteException.IsFileSystemFailure(e))
            {
                // Best effort: a leftover *.tmp is harmless and never looks like an output.
            }
        }
    }
}
