namespace FineTune.Build.Sources;

public enum SourceSyntax
{
    Yaml,
    Csv,
    Tsv,
    Jsonl,
}

/// <summary>Pins every example of a source (or one example) to one side of the split.</summary>
public enum SplitPin
{
    None,
    Train,
    Validation,
}

/// <summary>
/// One FineTuneSource item: the file and the per-file settings from its item metadata. Templates are only
/// meaningful for CSV/TSV.
/// </summary>
public sealed class SourceFile
{
    public SourceFile(string path)
    {
        Path = path;
    }

    /// <summary>Full path; diagnostics use it as-is, the way the C# compiler reports full paths.</summary>
    public string Path { get; }

    /// <summary>The Format metadata (yaml, yml, csv, tsv, jsonl), or null to go by the file extension.</summary>
    public string? Format { get; init; }

    public SplitPin Split { get; init; }

    public string? PromptTemplate { get; init; }

    public string? CompletionTemplate { get; init; }

    public string? SystemMessage { get; init; }

    public string? UserTemplate { get; init; }

    public string? AssistantTemplate { get; init; }

    /// <summary>The bounds the reader enforces on this file (FineTuneMax* properties).</summary>
    public ReaderLimits Limits { get; init; } = ReaderLimits.Default;

    public bool HasChatTemplates => UserTemplate is not null || AssistantTemplate is not null || SystemMessage is not null;

    /// <summary>The syntax from Format metadata or the extension; null when neither names one we read.</summary>
    public SourceSyntax? Syntax
    {
        get
        {
            var name = string.IsNullOrWhiteSpace(Format) ? System.IO.Path.GetExtension(Path).TrimStart('.') : Format!.Trim().TrimStart('.');
            return name.ToLowerInvariant() switch
            {
                "yaml" or "yml" => SourceSyntax.Yaml,
                "csv" => SourceSyntax.Csv,
                "tsv" or "tab" => SourceSyntax.Tsv,
                "jsonl" or "ndjson" => SourceSyntax.Jsonl,
                _ => null,
            };
        }
    }
}
