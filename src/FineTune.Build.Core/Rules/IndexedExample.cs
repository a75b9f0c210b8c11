namespace FineTune.Build.Rules;

/// <summary>
/// What the index keeps of an example that was the first with its output or its prompt: 16 bytes, with the file
/// and the label as numbers into the index's lists of them.
/// </summary>
/// <param name="File">The file's number in the index's list of files.</param>
/// <param name="Line">The 1-based line where the example starts.</param>
/// <param name="Column">The 1-based column where the example starts.</param>
/// <param name="Tag">The label's number plus one (zero: no label), shifted left once, with the low bit set for validation.</param>
internal readonly record struct IndexedExample(int File, int Line, int Column, int Tag);
