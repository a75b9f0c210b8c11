using System.Text.Json;
using FineTune.Build.Diagnostics;

namespace FineTune.Build.Reports;

/// <summary>
/// &lt;name&gt;.codequality.json: GitLab's code quality report (a JSON array of issues: description, check_name,
/// fingerprint, severity, location.path relative to the repository root and location.lines.begin), so a GitLab merge
/// request shows each finding on its line. Errors are "critical", warnings "minor".
/// </summary>
public static class CodeQualityWriter
{
    public static byte[] Write(DatasetReport report)
    {
        var root = SarifWriter.RepositoryRoot(report.BaseDirectory);
        var occurrences = new Dictionary<string, int>(StringComparer.Ordinal);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, ReportWriters.JsonOptions))
        {
            json.WriteStartArray();
            foreach (var d in report.Diagnostics)
            {
                if (d.Severity is not (DiagnosticSeverity.Error or DiagnosticSeverity.Warning))
                {
                    continue;
                }

                var file = d.File ?? report.ProjectFile;
                var path = file is null ? "" : Path.GetRelativePath(root, file).Replace('\\', '/');
                json.WriteStartObject();
                json.WriteString("description", $"{d.Code}: {d.Message}");
                json.WriteString("check_name", d.Code);
                json.WriteString("fingerprint", SarifWriter.Fingerprint(d.Code, path, d.Message, occurrences));
                json.WriteString("severity", d.Severity == DiagnosticSeverity.Error ? "critical" : "minor");
                json.WriteStartObject("location");
                json.WriteString("path", path);
                json.WriteStartObject("lines");
                json.WriteNumber("begin", Math.Max(1, d.Line));
                json.WriteEndObject();
                json.WriteEndObject();
                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }
}
