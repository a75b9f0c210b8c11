using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FineTune.Build.Evaluation;

/// <summary>
/// &lt;name&gt;.eval.json (docs/evaluation.md): deterministic, fixed property order, no timestamps. The same JSON is
/// kept in finetune.lock.json as the cached result of a model on a validation file, and read back from there.
/// </summary>
public static class EvaluationJson
{
    private static readonly JsonWriterOptions Options = new()
    {
        Indented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        NewLine = "\n",
    };

    public static byte[] Write(EvaluationReport report)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, Options))
        {
            Write(json, report);
        }

        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }

    public static JsonObject ToNode(EvaluationReport report) => JsonNode.Parse(Write(report))!.AsObject();

    private static void Write(Utf8JsonWriter json, EvaluationReport report)
    {
        json.WriteStartObject();
        json.WriteNumber("schemaVersion", EvaluationReport.SchemaVersion);
        json.WriteString("dataset", report.Dataset);
        json.WriteString("model", report.Model);
        json.WriteString("task", report.Task);
        json.WriteString("format", report.Format);
        json.WriteString("endpoint", report.Endpoint);
        json.WriteString("validationSha256", report.ValidationSha256);
        json.WriteNumber("validationExamples", report.ValidationExamples);
        json.WriteNumber("examples", report.Examples);
        if (report.Limit is { } limit)
        {
            json.WriteNumber("limit", limit);
        }

        json.WriteString("primaryMetric", report.PrimaryMetric);
        json.WriteNumber("primaryValue", report.PrimaryValue);
        if (report.Classification is { } c)
        {
            json.WriteStartObject("classification");
            json.WriteNumber("accuracy", c.Accuracy);
            json.WriteNumber("correct", c.Correct);
            json.WriteNumber("examples", c.Examples);
            json.WriteNumber("macroF1", c.MacroF1);
            if (c.MeanCorrectProbability is { } p)
            {
                json.WriteNumber("meanCorrectProbability", p);
            }
            else
            {
                json.WriteNull("meanCorrectProbability");
            }

            json.WriteNumber("otherAnswers", c.OtherAnswers);
            json.WriteStartArray("classes");
            foreach (var m in c.PerClass)
            {
                json.WriteStartObject();
                json.WriteString("label", m.Label);
                json.WriteNumber("support", m.Support);
                json.WriteNumber("predicted", m.Predicted);
                json.WriteNumber("truePositives", m.TruePositives);
                json.WriteNumber("precision", m.Precision);
                json.WriteNumber("recall", m.Recall);
                json.WriteNumber("f1", m.F1);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteStartObject("confusion");
            json.WriteStartArray("columns");
            foreach (var label in c.Classes)
            {
                json.WriteStringValue(label);
            }

            json.WriteStringValue(ClassificationMetrics.Other);
            json.WriteEndArray();
            json.WriteStartArray("rows");
            for (var r = 0; r < c.Classes.Count; r++)
            {
                json.WriteStartObject();
                json.WriteString("expected", c.Classes[r]);
                json.WriteStartArray("counts");
                foreach (var n in c.Confusion[r])
                {
                    json.WriteNumberValue(n);
                }

                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndObject();
        }

        if (report.Generation is { } g)
        {
            json.WriteStartObject("generation");
            json.WriteNumber("exactMatch", g.ExactMatch);
            json.WriteNumber("exactMatches", g.ExactMatches);
            json.WriteNumber("normalizedMatch", g.NormalizedMatch);
            json.WriteNumber("normalizedMatches", g.NormalizedMatches);
            json.WriteNumber("stopCompliance", g.StopCompliance);
            json.WriteNumber("stopped", g.Stopped);
            json.WriteNumber("meanOutputTokens", g.MeanOutputTokens);
            json.WriteNumber("examples", g.Examples);
            json.WriteEndObject();
        }

        if (report.Comparison is { } cmp)
        {
            json.WriteStartObject("comparison");
            json.WriteString("model", cmp.Model);
            json.WriteString("metric", cmp.Metric);
            json.WriteNumber("value", cmp.Value);
            json.WriteNumber("delta", report.PrimaryValue - cmp.Value);
            json.WriteNumber("maxRegression", cmp.MaxRegression);
            json.WriteEndObject();
        }

        json.WriteEndObject();
    }

    /// <summary>Reads what <see cref="Write(EvaluationReport)"/> wrote; null when it is not such a document.</summary>
    public static EvaluationReport? Read(JsonObject o)
    {
        try
        {
            ClassificationMetrics? classification = null;
            if (o["classification"] is JsonObject c && c["confusion"] is JsonObject confusion)
            {
                var classes = confusion["rows"]!.AsArray().Select(r => r!["expected"]!.GetValue<string>()).ToList();
                classification = new ClassificationMetrics
                {
                    Classes = classes,
                    Confusion = confusion["rows"]!.AsArray().Select(r => (IReadOnlyList<int>)r!["counts"]!.AsArray().Select(n => n!.GetValue<int>()).ToList()).ToList(),
                    PerClass = c["classes"]!.AsArray().Select(m => new ClassMetrics(
                        m!["label"]!.GetValue<string>(), m["support"]!.GetValue<int>(), m["predicted"]!.GetValue<int>(), m["truePositives"]!.GetValue<int>(),
                        m["precision"]!.GetValue<double>(), m["recall"]!.GetValue<double>(), m["f1"]!.GetValue<double>())).ToList(),
                    Examples = c["examples"]!.GetValue<int>(),
                    Correct = c["correct"]!.GetValue<int>(),
                    OtherAnswers = c["otherAnswers"]!.GetValue<int>(),
                    Accuracy = c["accuracy"]!.GetValue<double>(),
                    MacroF1 = c["macroF1"]!.GetValue<double>(),
                    MeanCorrectProbability = c["meanCorrectProbability"]?.GetValue<double>(),
                };
            }

            GenerationMetrics? generation = null;
            if (o["generation"] is JsonObject g)
            {
                generation = new GenerationMetrics
                {
                    Examples = g["examples"]!.GetValue<int>(),
                    ExactMatches = g["exactMatches"]!.GetValue<int>(),
                    NormalizedMatches = g["normalizedMatches"]!.GetValue<int>(),
                    Stopped = g["stopped"]!.GetValue<int>(),
                    ExactMatch = g["exactMatch"]!.GetValue<double>(),
                    NormalizedMatch = g["normalizedMatch"]!.GetValue<double>(),
                    StopCompliance = g["stopCompliance"]!.GetValue<double>(),
                    MeanOutputTokens = g["meanOutputTokens"]!.GetValue<double>(),
                };
            }

            return new EvaluationReport
            {
                Dataset = o["dataset"]!.GetValue<string>(),
                Model = o["model"]!.GetValue<string>(),
                Task = o["task"]!.GetValue<string>(),
                Format = o["format"]!.GetValue<string>(),
                Endpoint = o["endpoint"]!.GetValue<string>(),
                ValidationSha256 = o["validationSha256"]!.GetValue<string>(),
                ValidationExamples = o["validationExamples"]!.GetValue<int>(),
                Examples = o["examples"]!.GetValue<int>(),
                Limit = o["limit"]?.GetValue<int>(),
                Classification = classification,
                Generation = generation,
            };
        }
        catch (Exception e) when (e is InvalidOperationException or NullReferenceException or FormatException or JsonException)
        {
            return null;
        }
    }
}
