namespace FineTune.Build.Diagnostics;

/// <summary>
/// Where a diagnostic points: a file with a 1-based line and column (0 when the finding has no line or column), or
/// no file at all (<see cref="None"/>: the reporter decides, for example the project file). The one location type of
/// compile, catalog and training diagnostics.
/// </summary>
public sealed record Location(string? File, int Line = 0, int Column = 0)
{
    /// <summary>No file, line or column.</summary>
    public static Location None { get; } = new((string?)null);

    /// <summary>The MSBuild canonical prefix: <c>file(line,col)</c>, <c>file</c>, or empty without a file.</summary>
    public override string ToString() => File is null ? "" : Line > 0 ? $"{File}({Line},{Column})" : File;
}
