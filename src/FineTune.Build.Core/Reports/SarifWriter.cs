using System.Text.Json;
using FineTune.Build.Diagnostics;

namespace FineTune.Build.Reports;

/// <summary>
/// &lt;name&gt;.sarif: SARIF 2.1.0 for GitHub code scanning. Rule ids are the FT codes; artifact URIs are relative
/// to the repository root (the nearest folder with .git above the project), as code scanning expects.
/// </summary>
public static class SarifWriter
{
    public static byte[] Write(DatasetReport report)
    {
        var root = RepositoryRoot(report.BaseDirectory);
        var rules = report.Diagnostics.Select(d => d.Code).Distinct().Order(StringComparer.Ordinal).ToList();
        var occurrences = new Dictionary<string, int>(StringComparer.Ordinal);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, ReportWriters.JsonOptions))
        {
            json.WriteStartObject();
            json.WriteString("$schema", "https://json.schemastore.org/sarif-2.1.0.json");
            json.WriteString("version", "2.1.0");
            json.WriteStartArray("runs");
            json.WriteStartObject();
            json.WriteStartObject("tool");
            json.WriteStartObject("driver");
            json.WriteString("name", "FineTune.Build");
            json.WriteString("semanticVersion", ReportWriters.ToolVersion);
            json.WriteString("informationUri", InformationUri);
            json.WriteStartArray("rules");
            foreach (var code in rules)
            {
                var descriptor = DiagnosticCodes.Find(code);
                json.WriteStartObject();
                json.WriteString("id", code);
                json.WriteString("name", descriptor?.Category ?? "FineTune");
                json.WriteStartObject("shortDescription");
                json.WriteString("text", descriptor?.Title ?? code);
                json.WriteEndObject();
                json.WriteStartObject("fullDescription");
                json.WriteString("text", descriptor?.FullDescription ?? code);
                json.WriteEndObject();
                json.WriteString("helpUri", descriptor?.HelpLink ?? DiagnosticDescriptor.HelpLinkFor(code));
                json.WriteStartObject("help");
                json.WriteString("text", $"See docs/rules.md#{code.ToLowerInvariant()} in FineTune.Build for a violating example and the fix.");
                json.WriteString("markdown", $"[{code}]({descriptor?.HelpLink ?? DiagnosticDescriptor.HelpLinkFor(code)}): {descriptor?.Title ?? code}. docs/rules.md has a violating example and the fix.");
                json.WriteEndObject();
                json.WriteStartObject("defaultConfiguration");
                json.WriteString("level", ReportWriters.Level(descriptor?.DefaultSeverity ?? DiagnosticSeverity.Warning));
                json.WriteEndObject();
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndObject();

            // One category per dataset, so code scanning keeps each project's alerts apart when several upload.
            json.WriteStartObject("automationDetails");
            json.WriteString("id", $"FineTune.Build/{report.Dataset}/");
            json.WriteEndObject();

            json.WriteStartArray("results");
            foreach (var d in report.Diagnostics)
            {
                json.WriteStartObject();
                json.WriteString("ruleId", d.Code);
                json.WriteNumber("ruleIndex", rules.IndexOf(d.Code));
                json.WriteString("level", ReportWriters.Level(d.Severity));
                json.WriteStartObject("message");
                json.WriteString("text", d.Message);
                json.WriteEndObject();
                // Every result has a region (a finding without a line is on the first line) and a fingerprint
                // that survives unrelated edits: code, file and message, not the line.
                var file = d.File ?? report.ProjectFile;
                var uri = file is null ? null : Uri.EscapeDataString(Path.GetRelativePath(root, file).Replace('\\', '/')).Replace("%2F", "/");
                if (uri is not null)
                {
                    json.WriteStartArray("locations");
                    json.WriteStartObject();
                    json.WriteStartObject("physicalLocation");
                    json.WriteStartObject("artifactLocation");
                    json.WriteString("uri", uri);
                    json.WriteString("uriBaseId", "%SRCROOT%");
                    json.WriteEndObject();
                    json.WriteStartObject("region");
                    json.WriteNumber("startLine", Math.Max(1, d.Line));
                    json.WriteNumber("startColumn", Math.Max(1, d.Column));
                    json.WriteEndObject();
                    json.WriteEndObject();
                    json.WriteEndObject();
                    json.WriteEndArray();
                }

                json.WriteStartObject("partialFingerprints");
                json.WriteString("primaryLocationLineHash/v1", Fingerprint(d.Code, uri, d.Message, occurrences));
                json.WriteEndObject();
                json.WriteEndObject();
            }

            json.WriteEndArray();
            // %SRCROOT% is declared without its machine path, so the file stays byte-identical in any checkout;
            // code scanning resolves artifact URIs against the repository root itself.
            json.WriteStartObject("originalUriBaseIds");
            json.WriteStartObject("%SRCROOT%");
            json.WriteStartObject("description");
            json.WriteString("text", "The repository root (the nearest folder with .git above the project).");
            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteString("columnKind", "utf16CodeUnits");
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
        }

        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }

    /// <summary>Where code scanning links the tool's name.</summary>
    public const string InformationUri = "https://github.com/FineTune-Build/FineTune.Build";

    /// <summary>
    /// A stable fingerprint of a finding: SHA-256 of code, file and message (with the n-th repeat of the same three
    /// numbered), so moving an example up or down does not open a new alert, and identical findings stay distinct.
    /// </summary>
    public static string Fingerprint(string code, string? uri, string message, Dictionary<string, int> occurrences)
    {
        var key = code + "\n" + uri + "\n" + message;
        var n = occurrences.GetValueOrDefault(key);
        occurrences[key] = n + 1;
        var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(key + "\n" + n.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        return Convert.ToHexString(hash, 0, 16).ToLowerInvariant() + ":" + (n + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The nearest folder above <paramref name="directory"/> holding .git, else the folder itself.</summary>
    public static string RepositoryRoot(string directory)
    {
        for (var dir = new DirectoryInfo(directory); dir is not null; dir = dir.Parent)
        {
            if (Directory.Exists(Path.Combine(dir.FullName, ".git")) || File.Exists(Path.Combine(dir.FullName, ".git")))
            {
                return dir.FullName;
            }
        }

        return directory;
    }
}
