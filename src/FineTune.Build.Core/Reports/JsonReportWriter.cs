using System.Text.Json;

namespace FineTune.Build.Reports;

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

            // Every FT6004 waiver that applied, so a reviewer sees what the build let through.
            json.WriteStartArray("waivedSecrets");
            foreach (var w in report.WaivedSecrets)
            {
                json.WriteStartObject();
                json.WriteString("kind", w.Kind);
                json.WriteString("file", report.Relative(w.File));
                json.WriteNumber("line", w.Line);
                json.WriteNumber("column", w.Column);
                json.WriteString("fingerprint", w.Fingerprint);
                json.WriteString("reason", w.Reason);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }
}
