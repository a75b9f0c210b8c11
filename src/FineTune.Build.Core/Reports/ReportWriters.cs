using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using FineTune.Build.Diagnostics;
using FineTune.Build.Output;

namespace FineTune.Build.Reports;

/// <summary>Writes the report files of a compile (JSON, HTML, SARIF, the summary and GitLab's code quality report), each atomically.</summary>
public static class ReportWriters
{
    public static readonly string ToolVersion = typeof(ReportWriters).Assembly.GetName().Version?.ToString(3) ?? "1.0.0";

    public static void WriteAll(DatasetReport report, string jsonPath, string htmlPath, string sarifPath)
    {
        AtomicFile.WriteAllBytes(jsonPath, JsonReportWriter.Write(report));
        AtomicFile.WriteAllBytes(htmlPath, Encoding.UTF8.GetBytes(HtmlReportWriter.Write(report)));
        AtomicFile.WriteAllBytes(sarifPath, SarifWriter.Write(report));
        var summaryPath = Path.ChangeExtension(sarifPath, ".summary.md");
        AtomicFile.WriteAllBytes(summaryPath, Encoding.UTF8.GetBytes(SummaryWriter.Write(report)));
        AtomicFile.WriteAllBytes(Path.ChangeExtension(sarifPath, ".codequality.json"), CodeQualityWriter.Write(report));
    }

    internal static JsonWriterOptions JsonOptions => new()
    {
        Indented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        NewLine = "\n",
    };

    internal static string Level(DiagnosticSeverity severity) => severity switch
    {
        DiagnosticSeverity.Error => "error",
        DiagnosticSeverity.Warning => "warning",
        _ => "note",
    };
}
