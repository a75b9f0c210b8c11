using System.Globalization;
using System.Text;
using FineTune.Build.Examples;

namespace FineTune.Build.Output;

/// <summary>
/// One output JSONL and its source map (output line to source file, line and column), written under temporary
/// names until <see cref="Commit"/>. The JSONL is hashed as it is written.
/// </summary>
public sealed class OutputChannel : IDisposable
{
    private readonly AtomicFile _file;
    private readonly HashingStream _output;
    private readonly AtomicFile? _mapFile;
    private readonly StreamWriter? _map;
    private bool _committed;

    public OutputChannel(string path, string? sourceMapPath)
    {
        _file = new AtomicFile(path);
        _output = new HashingStream(_file.Stream);
        if (sourceMapPath is not null)
        {
            _mapFile = new AtomicFile(sourceMapPath);
            _map = new StreamWriter(_mapFile.Stream, new UTF8Encoding(false)) { NewLine = "\n" };
        }
    }

    public string Path => _file.Path;

    /// <summary>Lines (examples) written.</summary>
    public int Lines { get; private set; }

    /// <summary>Bytes written to the JSONL.</summary>
    public long Length => _output.Length;

    /// <summary>The lower-case hex SHA-256 of the JSONL written so far.</summary>
    public string Sha256() => _output.Sha256();

    public void Write(Example example, ReadOnlySpan<byte> bytes)
    {
        _output.Write(bytes);
        _output.WriteByte((byte)'\n');
        Lines++;
        _map?.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Lines}\t{example.SourcePath}\t{example.Line}\t{example.Column}"));
    }

    public void Commit()
    {
        _file.Commit();
        if (_map is not null)
        {
            _map.Flush();
            _mapFile!.Commit();
        }

        _committed = true;
    }

    public void Dispose()
    {
        // After a commit the file owns (and has closed) the stream; the writer has nothing left to flush.
        if (!_committed)
        {
            _map?.Dispose();
        }

        _mapFile?.Dispose();
        _file.Dispose();
        _output.Dispose();
    }
}
