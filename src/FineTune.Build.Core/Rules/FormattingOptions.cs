namespace FineTune.Build.Rules;

/// <summary>FineTuneFormattingMode: what to do when the seed's separator, leading space or stop sequence is missing.</summary>
public enum FormattingMode
{
    /// <summary>Add the missing piece to the output and log it at low importance (the default).</summary>
    Append,

    /// <summary>Each missing piece is an error at the source.</summary>
    Strict,
}

/// <summary>The seed's formatting settings for the completion format (escapes already interpreted).</summary>
public sealed record FormattingOptions(FormattingMode Mode, string Separator, string StopSequence)
{
    public static FormattingOptions Default { get; } = new(FormattingMode.Append, "\n\n###\n\n", " END");
}
