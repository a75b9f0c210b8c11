using System.Globalization;

namespace FineTune.Build.Diagnostics;

/// <summary>
/// What a diagnostic code means: its default severity, category, a title for docs/rules.md and SARIF, the message
/// format (a composite format string filled in when the diagnostic is reported; <c>{0}</c> when the reporter
/// composes the whole message) and an optional longer description.
/// </summary>
public sealed record DiagnosticDescriptor(
    string Code,
    DiagnosticSeverity DefaultSeverity,
    string Category,
    string Title,
    string MessageFormat = "{0}",
    string? Description = null)
{
    /// <summary>
    /// Where every code is documented: docs/rules.md of the FineTune.Build repository. Each code's row is a
    /// <c>### FTnnnn</c> heading, whose anchor is the code in lower case (<c>#ft7021</c>).
    /// </summary>
    public const string HelpLinkBase = "https://github.com/FineTune-Build/FineTune.Build/blob/main/docs/rules.md";

    /// <summary>The link to this code's row in docs/rules.md, given to MSBuild (helpLink) and SARIF (helpUri).</summary>
    public string HelpLink => HelpLinkFor(Code);

    /// <summary>The description SARIF shows as fullDescription: <see cref="Description"/>, else the title.</summary>
    public string FullDescription => Description ?? Title;

    public static string HelpLinkFor(string code) => $"{HelpLinkBase}#{code.ToLowerInvariant()}";

    /// <summary>The message for these arguments; the format itself when there are none (as MSBuild does).</summary>
    public string FormatMessage(params object?[] messageArgs)
        => messageArgs is null || messageArgs.Length == 0
            ? MessageFormat
            : string.Format(CultureInfo.InvariantCulture, MessageFormat, messageArgs);
}
