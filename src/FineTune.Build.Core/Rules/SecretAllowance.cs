namespace FineTune.Build.Rules;

/// <summary>
/// One reviewed secret occurrence a project allows (a <c>FineTuneSecretAllow</c> item): the fingerprint FT6004
/// printed for it, and why it is harmless.
/// </summary>
public sealed record SecretAllowance(string Fingerprint, string? Reason);
