namespace FineTune.Build.Rules;

/// <summary>The seed's formatting settings for the completion format (escapes already interpreted).</summary>
public sealed record FormattingOptions(FormattingMode Mode, string Separator, string StopSequence)
{
    public static FormattingOptions Default { get; } = new(FormattingMode.Append, "\n\n###\n\n", " END");
}
