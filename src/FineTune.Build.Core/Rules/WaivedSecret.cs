namespace FineTune.Build.Rules;

/// <summary>A secret occurrence FT6004 did not report because the project allowed its fingerprint; report.json lists it.</summary>
public sealed record WaivedSecret(string Kind, string File, int Line, int Column, string Fingerprint, string? Reason);
