using System.Globalization;
using System.Text;
using System.Text.Json;
using FineTune.Build.Tokens;

namespace FineTune.Build.Models;

/// <summary>One model object of a catalog file as written: any field may be absent (an override changes only what it names).</summary>
internal sealed class RawModel
{
    public required string Path { get; init; }
    public string? Name;
    public List<(string Alias, string Path)>? Aliases;
    public List<string>? Formats;
    public List<string>? Methods;
    public string? Tokenizer;
    public int? MaxExampleTokens;
    public int? MinExamples;
    public bool HasPrice;
    public decimal? Price;
    public ModelLifecycle? Lifecycle;
    public bool HasNewJobsEnd;
    public DateOnly? NewJobsEnd;
    public Dictionary<string, string>? Sources;
    public string? Note;
}

internal sealed class RawCatalog
{
    public required string File { get; init; }
    public required JsonLocator Locator { get; init; }
    public DateOnly? NewJobsEnd;
    public string? NewJobsEndSource;
    public string? NewJobsEndNote;
    public int? DefaultMinExamples;
    public Dictionary<string, string>? DefaultSources;
    public RawModel? Fallback;
    public List<RawModel> Models { get; } = [];
}

/// <summary>Reads and checks one catalog file; every problem becomes a located <see cref="CatalogDiagnostic"/>, never an exception.</summary>
internal sealed class CatalogReader
{
    private static readonly JsonDocumentOptions s_documentOptions = new()
    {
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    private static readonly string[] s_topLevelKeys = ["$schema", "schemaVersion", "fineTuning", "defaults", "fallback", "models"];
    private static readonly string[] s_modelKeys =
    [
        "name", "aliases", "formats", "methods", "tokenizer", "maxExampleTokens", "minExamples",
        "trainingPricePerMillionTokens", "lifecycle", "newJobsEnd", "sources", "note",
    ];
    private static readonly string[] s_lifecycleKeys = ["status", "shutdownDate", "replacement", "announced", "source", "note"];

    private readonly string _file;
    private readonly List<CatalogDiagnostic> _errors;
    private JsonLocator _locator = null!;

    private CatalogReader(string file, List<CatalogDiagnostic> errors)
    {
        _file = file;
        _errors = errors;
    }

    public static RawCatalog? Read(string file, byte[] content, List<CatalogDiagnostic> errors)
    {
        var reader = new CatalogReader(file, errors);
        return reader.ReadDocument(content);
    }

    private RawCatalog? ReadDocument(byte[] content)
    {
        // The JSON reader rejects a UTF-8 byte order mark; editors on Windows add one.
        if (content.AsSpan().StartsWith(Encoding.UTF8.Preamble))
        {
            content = content[Encoding.UTF8.Preamble.Length..];
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(content, s_documentOptions);
        }
        catch (JsonException ex)
        {
            int line = (int)(ex.LineNumber ?? 0) + 1;
            int column = (int)(ex.BytePositionInLine ?? 0) + 1;
            string message = ex.Message;
            int cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
            if (cut > 0)
            {
                message = message[..cut];
            }

            _errors.Add(new CatalogDiagnostic(_file, line, column, $"The model catalog is not valid JSON: {message.TrimEnd()} Fix the syntax here."));
            return null;
        }

        using (document)
        {
            _locator = JsonLocator.Build(content, new JsonReaderOptions
            {
                CommentHandling = JsonCommentHandling.Skip,
                AllowTrailingCommas = true,
            });
            var catalog = new RawCatalog { File = _file, Locator = _locator };
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                Error("", "The model catalog must be a JSON object with a \"models\" array.");
                return catalog;
            }

            CheckKeys(root, "", s_topLevelKeys);
            if (root.TryGetProperty("schemaVersion", out var version)
                && !(version.ValueKind == JsonValueKind.Number && version.TryGetInt32(out int v) && v == 1))
            {
                Error("schemaVersion", "schemaVersion must be 1.");
            }

            if (root.TryGetProperty("fineTuning", out var fineTuning) && Expect(fineTuning, "fineTuning", JsonValueKind.Object))
            {
                CheckKeys(fineTuning, "fineTuning", ["newJobsEnd", "source", "note"]);
                catalog.NewJobsEnd = ReadDate(fineTuning, "fineTuning", "newJobsEnd");
                catalog.NewJobsEndSource = ReadString(fineTuning, "fineTuning", "source");
                catalog.NewJobsEndNote = ReadString(fineTuning, "fineTuning", "note");
            }

            if (root.TryGetProperty("defaults", out var defaults) && Expect(defaults, "defaults", JsonValueKind.Object))
            {
                CheckKeys(defaults, "defaults", ["minExamples", "sources"]);
                catalog.DefaultMinExamples = ReadInt(defaults, "defaults", "minExamples", minimum: 1);
                catalog.DefaultSources = ReadSources(defaults, "defaults");
            }

            if (root.TryGetProperty("fallback", out var fallback) && Expect(fallback, "fallback", JsonValueKind.Object))
            {
                catalog.Fallback = ReadModel(fallback, "fallback", isFallback: true);
            }

            if (root.TryGetProperty("models", out var models))
            {
                if (Expect(models, "models", JsonValueKind.Array))
                {
                    int i = 0;
                    foreach (var element in models.EnumerateArray())
                    {
                        string path = $"models[{i++}]";
                        if (Expect(element, path, JsonValueKind.Object))
                        {
                            catalog.Models.Add(ReadModel(element, path, isFallback: false));
                        }
                    }
                }
            }

            return catalog;
        }
    }

    private RawModel ReadModel(JsonElement element, string path, bool isFallback)
    {
        CheckKeys(element, path, isFallback ? s_modelKeys.Where(k => k is not ("name" or "aliases")).ToArray() : s_modelKeys);
        var model = new RawModel { Path = path };
        if (!isFallback)
        {
            model.Name = ReadString(element, path, "name");
            if (model.Name is null && !element.TryGetProperty("name", out _))
            {
                Error(path, "A model needs a \"name\" (the base model id, e.g. \"gpt-4o-mini-2024-07-18\").");
            }
            else if (model.Name is not null && string.IsNullOrWhiteSpace(model.Name))
            {
                Error($"{path}.name", "A model name must not be empty.");
                model.Name = null;
            }

            model.Aliases = ReadStringList(element, path, "aliases")?.ToList();
        }

        model.Formats = ReadEnumList(element, path, "formats", ModelFormats.All);
        model.Methods = ReadEnumList(element, path, "methods", ModelMethods.All);

        model.Tokenizer = ReadString(element, path, "tokenizer");
        if (model.Tokenizer is not null && !TokenEncodings.IsSupported(model.Tokenizer))
        {
            Error($"{path}.tokenizer", $"'{model.Tokenizer}' is not a known tokenizer; use one of {string.Join(", ", TokenEncodings.All)}.");
            model.Tokenizer = null;
        }

        model.MaxExampleTokens = ReadInt(element, path, "maxExampleTokens", minimum: 1);
        model.MinExamples = ReadInt(element, path, "minExamples", minimum: 1);

        if (element.TryGetProperty("trainingPricePerMillionTokens", out var price))
        {
            model.HasPrice = true;
            if (price.ValueKind == JsonValueKind.Null)
            {
                model.Price = null;
            }
            else if (price.ValueKind == JsonValueKind.Number && price.TryGetDecimal(out decimal value) && value >= 0)
            {
                model.Price = value;
            }
            else
            {
                Error($"{path}.trainingPricePerMillionTokens", "trainingPricePerMillionTokens must be a number of US dollars (0 or more), or null when unknown.");
                model.HasPrice = false;
            }
        }

        if (element.TryGetProperty("lifecycle", out var lifecycle) && Expect(lifecycle, $"{path}.lifecycle", JsonValueKind.Object))
        {
            model.Lifecycle = ReadLifecycle(lifecycle, $"{path}.lifecycle");
        }

        if (element.TryGetProperty("newJobsEnd", out _))
        {
            model.HasNewJobsEnd = true;
            model.NewJobsEnd = ReadDate(element, path, "newJobsEnd");
        }

        model.Sources = ReadSources(element, path);
        model.Note = ReadString(element, path, "note");
        return model;
    }

    private ModelLifecycle? ReadLifecycle(JsonElement element, string path)
    {
        CheckKeys(element, path, s_lifecycleKeys);
        string? statusText = ReadString(element, path, "status");
        DateOnly? shutdown = ReadDate(element, path, "shutdownDate");
        DateOnly? announced = ReadDate(element, path, "announced");
        string? replacement = ReadString(element, path, "replacement");
        string? source = ReadString(element, path, "source");

        if (statusText is null)
        {
            if (!element.TryGetProperty("status", out _))
            {
                Error(path, "A lifecycle needs a \"status\": active, deprecated or retired.");
            }

            return null;
        }

        ModelLifecycleStatus status;
        switch (statusText)
        {
            case "active": status = ModelLifecycleStatus.Active; break;
            case "deprecated": status = ModelLifecycleStatus.Deprecated; break;
            case "retired": status = ModelLifecycleStatus.Retired; break;
            default:
                Error($"{path}.status", $"'{statusText}' is not a lifecycle status; use active, deprecated or retired.");
                return null;
        }

        if (status == ModelLifecycleStatus.Deprecated && shutdown is null && !element.TryGetProperty("shutdownDate", out _))
        {
            Error(path, "A deprecated model needs a \"shutdownDate\" (yyyy-MM-dd).");
            return null;
        }

        return new ModelLifecycle(status, shutdown, replacement, announced, source);
    }

    private Dictionary<string, string>? ReadSources(JsonElement element, string path)
    {
        if (!element.TryGetProperty("sources", out var sources))
        {
            return null;
        }

        string sourcesPath = $"{path}.sources";
        if (!Expect(sources, sourcesPath, JsonValueKind.Object))
        {
            return null;
        }

        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in sources.EnumerateObject())
        {
            if (property.Value.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(property.Value.GetString()))
            {
                result[property.Name] = property.Value.GetString()!;
            }
            else
            {
                Error($"{sourcesPath}.{property.Name}", $"The source of '{property.Name}' must be a non-empty string (a URL, optionally with a quote).");
            }
        }

        return result;
    }

    private List<string>? ReadEnumList(JsonElement element, string path, string key, IReadOnlyList<string> allowed)
    {
        var values = ReadStringList(element, path, key);
        if (values is null)
        {
            return null;
        }

        var result = new List<string>();
        foreach (var (value, valuePath) in values)
        {
            if (allowed.Contains(value, StringComparer.Ordinal))
            {
                result.Add(value);
            }
            else
            {
                Error(valuePath, $"'{value}' is not a valid entry of {key}; use {string.Join(", ", allowed)}.");
            }
        }

        if (result.Count == 0 && values.Count == 0)
        {
            Error($"{path}.{key}", $"{key} must list at least one of {string.Join(", ", allowed)}.");
            return null;
        }

        return result.Count == 0 ? null : result;
    }

    private List<(string Value, string Path)>? ReadStringList(JsonElement element, string path, string key)
    {
        if (!element.TryGetProperty(key, out var array))
        {
            return null;
        }

        string arrayPath = $"{path}.{key}";
        if (!Expect(array, arrayPath, JsonValueKind.Array))
        {
            return null;
        }

        var result = new List<(string, string)>();
        int i = 0;
        foreach (var item in array.EnumerateArray())
        {
            string itemPath = $"{arrayPath}[{i++}]";
            if (item.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(item.GetString()))
            {
                result.Add((item.GetString()!, itemPath));
            }
            else
            {
                Error(itemPath, $"Each entry of {key} must be a non-empty string.");
            }
        }

        return result;
    }

    private string? ReadString(JsonElement element, string path, string key)
    {
        if (!element.TryGetProperty(key, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            Error(Join(path, key), $"{key} must be a string.");
            return null;
        }

        return value.GetString();
    }

    private int? ReadInt(JsonElement element, string path, string key, int minimum)
    {
        if (!element.TryGetProperty(key, out var value))
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out int number) && number >= minimum)
        {
            return number;
        }

        Error(Join(path, key), $"{key} must be a whole number of at least {minimum}.");
        return null;
    }

    private DateOnly? ReadDate(JsonElement element, string path, string key)
    {
        string? text = ReadString(element, path, key);
        if (text is null)
        {
            return null;
        }

        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return date;
        }

        Error(Join(path, key), $"{key} '{text}' is not a date; write it as yyyy-MM-dd.");
        return null;
    }

    private bool Expect(JsonElement element, string path, JsonValueKind kind)
    {
        if (element.ValueKind == kind)
        {
            return true;
        }

        string what = kind switch
        {
            JsonValueKind.Object => "an object",
            JsonValueKind.Array => "an array",
            _ => kind.ToString().ToLowerInvariant(),
        };
        Error(path, $"{(path.Length == 0 ? "The catalog" : path)} must be {what}.");
        return false;
    }

    private void CheckKeys(JsonElement element, string path, IReadOnlyList<string> allowed)
    {
        foreach (var property in element.EnumerateObject())
        {
            if (!allowed.Contains(property.Name, StringComparer.Ordinal))
            {
                // Most unknown keys are typos of a known one; naming the closest makes the fix obvious.
                string? closest = allowed
                    .Select(k => (Key: k, Distance: Distance(k, property.Name)))
                    .Where(x => x.Distance <= Math.Max(2, x.Key.Length / 4))
                    .OrderBy(x => x.Distance)
                    .Select(x => x.Key)
                    .FirstOrDefault();
                string hint = closest is null ? $"known properties are {string.Join(", ", allowed)}" : $"did you mean '{closest}'?";
                var (line, column) = _locator.LocateKey(Join(path, property.Name));
                _errors.Add(new CatalogDiagnostic(_file, line, column, $"Unknown property '{property.Name}'; {hint}"));
            }
        }
    }

    internal void Error(string path, string message)
    {
        var (line, column) = _locator?.Locate(path) ?? (1, 1);
        _errors.Add(new CatalogDiagnostic(_file, line, column, message));
    }

    private static string Join(string path, string key) => path.Length == 0 ? key : $"{path}.{key}";

    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = char.ToLowerInvariant(a[i - 1]) == char.ToLowerInvariant(b[j - 1]) ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
