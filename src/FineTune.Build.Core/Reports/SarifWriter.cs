using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using FineTune.Build.Diagnostics;
using FineTune.Build.Output;

namespace FineTune.Build.Reports;

/// <summary>Writes the three report files of a compile, each atomically.</summary>
public static class ReportWriters
{
    public static readonly string ToolVersion = typeof(ReportWriters).Assembly.GetName().Version?.ToString(3) ?? "1.0.0";

    public static void WriteAll(DatasetReport report, string jsonPath, string htmlPath, string sarifPath)
    {
        AtomicFile.WriteAllBytes(jsonPath, JsonReportWriter.Write(report));
        AtomicFile.WriteAllBytes(htmlPath, Encoding.UTF8.GetBytes(HtmlReportWriter.Write(report)));
        AtomicFile.WriteAllBytes(sarifPath, SarifWriter.Write(report));
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

/// <summary>
/// &lt;name&gt;.report.json: the machine-readable summary (schema in docs/report.md). Deterministic: no timestamps,
/// paths relative to the project folder, fixed property order.
/// </summary>
public static class JsonReportWriter
{
    public static byte[] Write(DatasetReport report)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, ReportWriters.JsonOptions))
        {
            json.WriteStartObject();
            json.WriteNumber("schemaVersion", DatasetReport.SchemaVersion);
            json.WriteString("tool", "FineTune.Build " + ReportWriters.ToolVersion);
            json.WriteString("dataset", report.Dataset);
            json.WriteBoolean("succeeded", report.Succeeded);
            json.WriteStartObject("model");
            json.WriteString("baseModel", report.BaseModel);
            json.WriteString("catalogEntry", report.ModelEntry);
            json.WriteBoolean("known", report.ModelKnown);
            json.WriteString("tokenizer", report.Tokenizer);
            json.WriteNumber("maxExampleTokens", report.MaxExampleTokens);
            json.WriteEndObject();
            json.WriteString("format", report.Format);
            json.WriteString("task", report.Task);
            json.WriteStartObject("split");
            json.WriteNumber("validationFraction", report.ValidationFraction);
            json.WriteString("seed", report.SplitSeed);
            json.WriteEndObject();

            json.WriteStartObject("counts");
            json.WriteNumber("examples", report.Examples);
            json.WriteNumber("train", report.TrainTokens.Examples);
            json.WriteNumber("validation", report.ValidationTokens.Examples);
            json.WriteNumber("classes", report.Classes.Count);
            json.WriteNumber("errors", report.ErrorCount);
            json.WriteNumber("warnings", report.WarningCount);
            json.WriteEndObject();

            var all = TokenStatistics.Combine(report.TrainTokens, report.ValidationTokens);
            json.WriteStartObject("tokens");
            json.WriteNumber("total", all.Total);
            json.WriteNumber("train", report.TrainTokens.Total);
            json.WriteNumber("validation", report.ValidationTokens.Total);
            json.WriteNumber("min", all.Min);
            json.WriteNumber("max", all.Max);
            json.WriteNumber("mean", Math.Round(all.Mean, 2));
            json.WriteStartArray("histogram");
            for (var i = 0; i < all.Histogram.Length; i++)
            {
                if (all.Histogram[i] == 0)
                {
                    continue;
                }

                json.WriteStartObject();
                json.WriteNumber("from", TokenStatistics.BucketStart(i));
                json.WriteNumber("to", TokenStatistics.BucketStart(i + 1));
                json.WriteNumber("count", all.Histogram[i]);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();

            json.WriteStartObject("cost");
            json.WriteNumber("epochs", report.Epochs ?? 0);
            json.WriteString("epochsSource", report.EpochsSource);
            json.WriteNumber("billedTokens", report.BilledTokens);
            if (report.PricePerMillionTokens is { } price)
            {
                json.WriteNumber("pricePerMillionTokens", price);
                json.WriteNumber("estimatedUsd", report.EstimatedCost!.Value);
            }
            else
            {
                json.WriteNull("pricePerMillionTokens");
                json.WriteNull("estimatedUsd");
            }

            json.WriteEndObject();

            json.WriteStartArray("classes");
            foreach (var (label, stats) in report.Classes)
            {
                json.WriteStartObject();
                json.WriteString("label", label);
                json.WriteNumber("examples", stats.Total);
                json.WriteNumber("train", stats.Train);
                json.WriteNumber("validation", stats.Validation);
                json.WriteNumber("labelTokens", stats.Tokens);
                json.WriteEndObject();
            }

            json.WriteEndArray();

            json.WriteStartArray("sources");
            foreach (var source in report.Sources)
            {
                json.WriteStartObject();
                json.WriteString("path", source.Path);
                json.WriteNumber("examples", source.Examples);
                json.WriteNumber("train", source.Train);
                json.WriteNumber("validation", source.Validation);
                json.WriteNumber("tokens", source.Tokens);
                json.WriteNumber("errors", source.Errors);
                json.WriteNumber("warnings", source.Warnings);
                json.WriteEndObject();
            }

            json.WriteEndArray();

            json.WriteStartArray("outputs");
            foreach (var output in report.Outputs)
            {
                json.WriteStartObject();
                json.WriteString("kind", output.Kind);
                json.WriteString("path", report.Relative(output.Path));
                json.WriteNumber("examples", output.Examples);
                json.WriteNumber("tokens", output.Tokens);
                json.WriteNumber("bytes", output.Bytes);
                json.WriteString("sha256", output.Sha256);
                json.WriteEndObject();
            }

            json.WriteEndArray();

            json.WriteStartArray("diagnostics");
            foreach (var d in report.Diagnostics)
            {
                json.WriteStartObject();
                json.WriteString("code", d.Code);
                json.WriteString("severity", ReportWriters.Level(d.Severity));
                json.WriteString("file", d.File is null ? null : report.Relative(d.File));
                json.WriteNumber("line", d.Line);
                json.WriteNumber("column", d.Column);
                json.WriteString("message", d.Message);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteNumber("diagnosticsNotShown", report.DiagnosticsNotShown);
            json.WriteEndObject();
        }

        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }
}

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
                json.WriteStartObject("help");
                json.WriteString("text", $"See docs/rules.md#{code.ToLowerInvariant()} in FineTune.Build for a violating example and the fix.");
                json.WriteEndObject();
                json.WriteStartObject("defaultConfiguration");
                json.WriteString("level", ReportWriters.Level(descriptor?.DefaultSeverity ?? DiagnosticSeverity.Warning));
                json.WriteEndObject();
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
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
                if (d.File is not null)
                {
                    json.WriteStartArray("locations");
                    json.WriteStartObject();
                    json.WriteStartObject("physicalLocation");
                    json.WriteStartObject("artifactLocation");
                    json.WriteString("uri", Uri.EscapeDataString(Path.GetRelativePath(root, d.File).Replace('\\', '/')).Replace("%2F", "/"));
                    json.WriteString("uriBaseId", "%SRCROOT%");
                    json.WriteEndObject();
                    if (d.Line > 0)
                    {
                        json.WriteStartObject("region");
                        json.WriteNumber("startLine", d.Line);
                        json.WriteNumber("startColumn", Math.Max(1, d.Column));
                        json.WriteEndObject();
                    }

                    json.WriteEndObject();
                    json.WriteEndObject();
                    json.WriteEndArray();
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteString("columnKind", "utf16CodeUnits");
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
        }

        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
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
