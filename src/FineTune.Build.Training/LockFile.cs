using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FineTune.Build.Diagnostics;

namespace FineTune.Build.Training;

/// <summary>A compiled file as uploaded: its API file id and what was uploaded.</summary>
public sealed class LockedFile
{
    public string? Id { get; set; }
    public string? Name { get; set; }
    public string? Sha256 { get; set; }
    public long Bytes { get; set; }
}

/// <summary>One training run (docs/lock-file.md). Unknown properties read from the file are kept on save.</summary>
public sealed class LockEntry
{
    public string Trainer { get; set; } = "api";
    public string? Endpoint { get; set; }
    public string? BaseModel { get; set; }
    public string? Method { get; set; }
    public string? Suffix { get; set; }
    public int? Seed { get; set; }
    /// <summary>epochs, batchSize, learningRateMultiplier, beta: a number, or "auto".</summary>
    public SortedDictionary<string, JsonNode?> Hyperparameters { get; set; } = new(StringComparer.Ordinal);
    public string? DatasetSha256 { get; set; }
    public SortedDictionary<string, LockedFile> Files { get; set; } = new(StringComparer.Ordinal);
    public string? JobId { get; set; }
    public string? Status { get; set; }
    public string? FineTunedModel { get; set; }
    public string? Error { get; set; }
    public string? SourceRevision { get; set; }
    public string? Command { get; set; }
    public string? CreatedAt { get; set; }
    public string? FinishedAt { get; set; }

    internal JsonObject Unknown { get; set; } = new();

    public bool IsTerminal => Status is "succeeded" or "failed" or "cancelled";

    private static readonly HashSet<string> Known = new(StringComparer.Ordinal)
    {
        "trainer", "endpoint", "baseModel", "method", "suffix", "seed", "hyperparameters", "datasetSha256", "files",
        "jobId", "status", "fineTunedModel", "error", "sourceRevision", "command", "createdAt", "finishedAt",
    };

    internal static LockEntry FromJson(JsonObject o)
    {
        var entry = new LockEntry
        {
            Trainer = Str(o, "trainer") ?? "api",
            Endpoint = Str(o, "endpoint"),
            BaseModel = Str(o, "baseModel"),
            Method = Str(o, "method"),
            Suffix = Str(o, "suffix"),
            Seed = o["seed"] is JsonValue s && s.TryGetValue<int>(out var seed) ? seed : null,
            DatasetSha256 = Str(o, "datasetSha256"),
            JobId = Str(o, "jobId"),
            Status = Str(o, "status"),
            FineTunedModel = Str(o, "fineTunedModel"),
            Error = Str(o, "error"),
            SourceRevision = Str(o, "sourceRevision"),
            Command = Str(o, "command"),
            CreatedAt = Str(o, "createdAt"),
            FinishedAt = Str(o, "finishedAt"),
        };
        if (o["hyperparameters"] is JsonObject hp)
        {
            foreach (var (k, v) in hp)
            {
                entry.Hyperparameters[k] = v?.DeepClone();
            }
        }

        if (o["files"] is JsonObject files)
        {
            foreach (var (kind, node) in files)
            {
                if (node is not JsonObject f)
                {
                    continue;
                }

                entry.Files[kind] = new LockedFile
                {
                    Id = Str(f, "id"),
                    Name = Str(f, "name"),
                    Sha256 = Str(f, "sha256"),
                    Bytes = f["bytes"] is JsonValue b && b.TryGetValue<long>(out var bytes) ? bytes : 0,
                };
            }
        }
        foreach (var (k, v) in o)
        {
            if (!Known.Contains(k))
            {
                entry.Unknown[k] = v?.DeepClone();
            }
        }

        return entry;
    }

    internal JsonObject ToJson()
    {
        var o = new JsonObject();
        foreach (var (k, v) in Unknown)
        {
            o[k] = v?.DeepClone();
        }

        void Put(string name, string? value) { if (value is not null) { o[name] = value; } }
        Put("trainer", Trainer);
        Put("endpoint", Endpoint);
        Put("baseModel", BaseModel);
        Put("method", Method);
        Put("suffix", Suffix);
        if (Seed is not null)
        {
            o["seed"] = Seed;
        }

        if (Hyperparameters.Count > 0)
        {
            o["hyperparameters"] = new JsonObject(Hyperparameters.Select(kv => KeyValuePair.Create(kv.Key, kv.Value?.DeepClone())));
        }

        Put("datasetSha256", DatasetSha256);
        if (Files.Count > 0)
        {
            var files = new JsonObject();
            foreach (var (kind, f) in Files)
            {
                var fo = new JsonObject();
                if (f.Id is not null)
                {
                    fo["id"] = f.Id;
                }

                if (f.Name is not null)
                {
                    fo["name"] = f.Name;
                }

                if (f.Sha256 is not null)
                {
                    fo["sha256"] = f.Sha256;
                }

                fo["bytes"] = f.Bytes;
                files[kind] = fo;
            }
            o["files"] = files;
        }
        Put("jobId", JobId);
        Put("status", Status);
        Put("fineTunedModel", FineTunedModel);
        Put("error", Error);
        Put("sourceRevision", SourceRevision);
        Put("command", Command);
        Put("createdAt", CreatedAt);
        Put("finishedAt", FinishedAt);
        return o;
    }

    private static string? Str(JsonObject o, string name) =>
        o[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    internal static string FormatTime(long unixSeconds) =>
        DateTimeOffset.FromUnixTimeSeconds(unixSeconds).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}

/// <summary>
/// finetune.lock.json: per dataset name, the current lock key and every key ever trained (history). Written with
/// sorted keys, 2-space indentation, \n line ends and a final newline, atomically (temp file + rename), and only
/// when its content changes. See docs/lock-file.md.
/// </summary>
public sealed partial class LockFile
{
    public const int SchemaVersion = 1;
    private readonly JsonObject _root;

    private LockFile(JsonObject root) => _root = root;

    public static LockFile Empty() => new(new JsonObject { ["version"] = SchemaVersion, ["datasets"] = new JsonObject() });

    /// <summary>Reads the file; a missing file is an empty lock file.</summary>
    public static LockFile Load(string path)
    {
        if (!File.Exists(path))
        {
            return Empty();
        }

        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new TrainingException(TrainingDiagnostics.InvalidLockFile, $"Cannot read '{path}': {e.Message} Make it readable, or delete it to start a new lock file.", new Location(path, 0, 0), e);
        }
        return Parse(text, path);
    }

    public static LockFile Parse(string text, string path = TrainingRequest.DefaultLockFileName)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            // A merge conflict shows up here too.
            throw new TrainingException(TrainingDiagnostics.InvalidLockFile,
                $"'{Path.GetFileName(path)}' is not valid JSON ({e.Message}); resolve any merge conflict or delete the broken entry.",
                new Location(path, (int)(e.LineNumber ?? -1) + 1, (int)(e.BytePositionInLine ?? -1) + 1), e);
        }
        if (JsonDuplicateKeys.FindFirst(text) is { } duplicate)
        {
            var where = duplicate.ObjectPath.Length == 0 ? "at the top level" : $"in {duplicate.ObjectPath}";
            throw new TrainingException(TrainingDiagnostics.InvalidLockFile,
                $"'{Path.GetFileName(path)}' has the key '{duplicate.Key}' twice {where} (line {duplicate.Line}), as a careless merge leaves it. Keep one of the two (for an entry, the one whose job you want to keep; 'finetune status' shows the jobs), delete the other, and publish again.",
                new Location(path, duplicate.Line, duplicate.Column));
        }

        if (node is not JsonObject root || root["datasets"] is not (JsonObject or null))
        {
            throw new TrainingException(TrainingDiagnostics.InvalidLockFile, $"'{Path.GetFileName(path)}' must be an object with a 'datasets' object.", new Location(path, 1, 1));
        }

        if (root["version"] is JsonValue v && v.TryGetValue<int>(out var version) && version > SchemaVersion)
        {
            throw new TrainingException(TrainingDiagnostics.InvalidLockFile, $"'{Path.GetFileName(path)}' has schema version {version}; this FineTune.Build understands {SchemaVersion}. Update the SDK.", new Location(path, 1, 1));
        }

        root["datasets"] ??= new JsonObject();
        root["version"] = SchemaVersion;
        return new LockFile(root);
    }

    private JsonObject Datasets => (JsonObject)_root["datasets"]!;

    public IEnumerable<string> DatasetNames => Datasets.Select(kv => kv.Key).OrderBy(k => k, StringComparer.Ordinal);

    public string? CurrentKey(string dataset) =>
        Datasets[dataset] is JsonObject d && d["current"] is JsonValue c && c.TryGetValue<string>(out var key) ? key : null;

    public LockEntry? Find(string dataset, string key) =>
        Datasets[dataset] is JsonObject d && d["entries"] is JsonObject entries && entries[key] is JsonObject e
            ? LockEntry.FromJson(e)
            : null;

    /// <summary>The entry of the dataset's current key.</summary>
    public LockEntry? Current(string dataset) => CurrentKey(dataset) is { } key ? Find(dataset, key) : null;

    public IEnumerable<(string Key, LockEntry Entry)> Entries(string dataset)
    {
        if (Datasets[dataset] is not JsonObject d || d["entries"] is not JsonObject entries)
        {
            yield break;
        }

        foreach (var (key, node) in entries.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            if (node is JsonObject o)
            {
                yield return (key, LockEntry.FromJson(o));
            }
        }
    }

    /// <summary>Adds or replaces the entry of <paramref name="key"/> and makes it current; other keys stay as history.</summary>
    public void Set(string dataset, string key, LockEntry entry)
    {
        if (Datasets[dataset] is not JsonObject d)
        {
            Datasets[dataset] = d = new JsonObject();
        }

        if (d["entries"] is not JsonObject entries)
        {
            d["entries"] = entries = new JsonObject();
        }

        entries[key] = entry.ToJson();
        d["current"] = key;
    }

    /// <summary>The canonical text: sorted keys, 2-space indent, \n, final newline.</summary>
    public string Serialize()
    {
        var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            WriteSorted(writer, _root);
        }

        var text = Encoding.UTF8.GetString(buffer.ToArray()).Replace("\r\n", "\n");
        return text + "\n";
    }

    private static void WriteSorted(Utf8JsonWriter writer, JsonNode? node)
    {
        switch (node)
        {
            case null:
                writer.WriteNullValue();
                break;
            case JsonObject o:
                writer.WriteStartObject();
                foreach (var (k, v) in o.OrderBy(kv => kv.Key, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(k);
                    WriteSorted(writer, v);
                }
                writer.WriteEndObject();
                break;
            case JsonArray a:
                writer.WriteStartArray();
                foreach (var item in a)
                {
                    WriteSorted(writer, item);
                }

                writer.WriteEndArray();
                break;
            default:
                node.WriteTo(writer);
                break;
        }
    }

    /// <summary>Writes atomically when the content differs; returns whether it wrote.</summary>
    public bool Save(string path)
    {
        var text = Serialize();
        try
        {
            if (File.Exists(path) && File.ReadAllText(path) == text)
            {
                return false;
            }

            AtomicFile.WriteAllText(path, text);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new TrainingException(TrainingDiagnostics.WriteFailed, $"Cannot write '{path}': {e.Message}", inner: e);
        }
    }
}

internal static class AtomicFile
{
    /// <summary>Temp file in the same folder, flushed, then renamed over the target: readers see the old or the new file, never half.</summary>
    public static void WriteAllText(string path, string text)
    {
        var full = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(dir);
        var temp = Path.Combine(dir, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                var bytes = new UTF8Encoding(false).GetBytes(text);
                stream.Write(bytes, 0, bytes.Length);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }
}
