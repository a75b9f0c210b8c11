namespace FineTune.Build.Output;

/// <summary>
/// An output could not be created, written or moved into place (a read-only or full folder, or a file where a
/// folder should be). Callers report it as FT0006 with <see cref="OutputPath"/>; it is not a bug (FT0004).
/// </summary>
public sealed class OutputWriteException(string outputPath, Exception inner)
    : IOException($"Cannot write '{outputPath}': {inner.Message}", inner)
{
    /// <summary>The output that was being written (its final path, not the temporary one).</summary>
    public string OutputPath { get; } = outputPath;

    /// <summary>Wraps the failures of the file system; anything else is left alone.</summary>
    public static bool IsFileSystemFailure(Exception e) => e is IOException or UnauthorizedAccessException;
}
