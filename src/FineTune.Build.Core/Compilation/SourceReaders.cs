using FineTune.Build.Diagnostics;
using FineTune.Build.Sources;

namespace FineTune.Build.Compilation;

/// <summary>Picks the reader for a source by its syntax (extension or Format metadata).</summary>
public static class SourceReaders
{
    public static IEnumerable<SourceRecord> Read(SourceFile source, DiagnosticCollector diagnostics)
    {
        switch (source.Syntax)
        {
            case SourceSyntax.Yaml:
                return YamlSourceReader.Read(source, diagnostics);
            case SourceSyntax.Jsonl:
                return JsonlSourceReader.Read(source, diagnostics);
            case SourceSyntax.Csv:
            case SourceSyntax.Tsv:
                return CsvSourceReader.Read(source, diagnostics);
            default:
                diagnostics.Report(DiagnosticCodes.UnknownSourceFormat, source.Path, 0, 0,
                    $"Cannot read '{Path.GetFileName(source.Path)}': FineTuneSource files are .yaml/.yml, .csv, .tsv or .jsonl; set the item's Format metadata (yaml, csv, tsv, jsonl) for other names, or remove the item.");
                return [];
        }
    }
}
