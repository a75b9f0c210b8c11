using System.Text.Encodings.Web;
using System.Text.Json;

namespace FineTune.Build.Diffs;

/// <summary>A dataset diff as JSON (every example, no cap): figures of both sides and the changed examples.</summary>
public static class DiffJsonWriter
{
    public static byte[] Write(DatasetDiff diff)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, NewLine = "\n" }))
        {
            json.WriteStartObject();
            json.WriteString("dataset", diff.Head.Dataset);
            json.WriteStartObject("summary");
            json.WriteNumber("added", diff.Added.Count);
            json.WriteNumber("changed", diff.Changed.Count);
            json.WriteNumber("removed", diff.Removed.Count);
            json.WriteNumber("unchanged", diff.Unchanged);
            json.WriteEndObject();
            Side(json, "base", diff.Base);
            Side(json, "head", diff.Head);
            json.WriteStartArray("classes");
            foreach (var (label, before, after) in diff.Classes())
            {
                json.WriteStartObject();
                json.WriteString("label", label);
                json.WriteNumber("base", before);
                json.WriteNumber("head", after);
                json.WriteNumber("change", after - before);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            Changes(json, "added", diff.Added);
            Changes(json, "changed", diff.Changed);
            Changes(json, "removed", diff.Removed);
            json.WriteEndObject();
        }

        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }

    private static void Side(Utf8JsonWriter json, string name, DatasetSnapshot side)
    {
        var f = side.Figures;
        json.WriteStartObject(name);
        json.WriteString("label", side.Label);
        json.WriteNumber("examples", f.Examples);
        json.WriteNumber("train", f.Train);
        json.WriteNumber("validation", f.Validation);
        json.WriteNumber("tokens", f.Tokens);
        json.WriteNumber("billedTokens", f.BilledTokens);
        if (f.EstimatedCost is { } cost)
        {
            json.WriteNumber("estimatedUsd", cost);
        }
        else
        {
            json.WriteNull("estimatedUsd");
        }

        json.WriteNumber("errors", f.Errors);
        json.WriteNumber("warnings", f.Warnings);
        json.WriteEndObject();
    }

    private static void Changes(Utf8JsonWriter json, string name, List<ExampleChange> changes)
    {
        json.WriteStartArray(name);
        foreach (var change in changes)
        {
            json.WriteStartObject();
            json.WriteString("id", change.Subject.Id);
            if (change.Base is { } b)
            {
                Example(json, "base", b);
            }

            if (change.Head is { } h)
            {
                Example(json, "head", h);
            }

            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    private static void Example(Utf8JsonWriter json, string name, SnapshotExample example)
    {
        json.WriteStartObject(name);
        json.WriteString("file", example.File);
        json.WriteNumber("line", example.Line);
        json.WriteNumber("column", example.Column);
        json.WriteString("key", example.Key);
        json.WriteString("value", example.Value);
        json.WriteEndObject();
    }
}
