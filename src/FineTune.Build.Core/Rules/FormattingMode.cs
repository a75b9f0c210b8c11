namespace FineTune.Build.Rules;

/// <summary>FineTuneFormattingMode: what to do when the seed's separator, leading space or stop sequence is missing.</summary>
public enum FormattingMode
{
    /// <summary>Add the missing piece to the output and log it at low importance (the default).</summary>
    Append,

    /// <summary>Each missing piece is an error at the source.</summary>
    Strict,
}
