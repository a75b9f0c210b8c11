namespace FineTune.Build.Diffs;

/// <summary>
/// One example as the diff sees it: its id (when the source gives one), its content identity (the prompt or first
/// user message as key, the completion or assistant reply as value) and where it is (a path relative to the
/// repository or project root, so two checkouts compare).
/// </summary>
public sealed record SnapshotExample(string? Id, string Key, string Value, string File, int Line, int Column)
{
    /// <summary>file(line,col), the form the build prints.</summary>
    public string Where => Line > 0 ? $"{File}({Line},{Column})" : File;
}
