namespace FineTune.Build.Rules;

/// <summary>The Strict-mode formatting rules that can fail for every row a CSV/TSV template builds (reported once, at the template).</summary>
[Flags]
public enum TemplateFailures
{
    None = 0,
    Separator = 1,
    LeadingSpace = 2,
    StopSequence = 4,
}
