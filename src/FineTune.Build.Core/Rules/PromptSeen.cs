using FineTune.Build.Examples;

namespace FineTune.Build.Rules;

/// <summary>The first example with a prompt: where it is, which file it went to, and its label.</summary>
public readonly record struct PromptSeen(ExampleLocation Where, bool Validation, string? Label);
