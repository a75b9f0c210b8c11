namespace FineTune.Build.Reports;

/// <summary>One output file: its kind (train or validation), figures, size and SHA-256.</summary>
public sealed record OutputFileInfo(string Kind, string Path, int Examples, long Tokens, long Bytes, string Sha256);
