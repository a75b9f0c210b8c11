namespace FineTune.Build.Models;

/// <summary>How <see cref="ModelCatalog.Lookup(string?, string?)"/> matched the requested model.</summary>
public enum ModelMatch
{
    /// <summary>The catalog has an entry with this name.</summary>
    Name,
    /// <summary>The name is an alias of an entry (e.g. gpt-4o-mini for gpt-4o-mini-2024-07-18).</summary>
    Alias,
    /// <summary>A fine-tuned model (<c>ft:BASE:org:suffix:id</c>, or legacy <c>BASE:ft-...</c>); continued fine-tuning uses its base's entry.</summary>
    FineTuned,
    /// <summary>Not in the catalog: <see cref="ModelLookupResult.Entry"/> is the fallback.</summary>
    Unknown,
}

/// <summary>The result of a lookup; never null, never thrown. For an unknown model, <see cref="Entry"/> is the fallback entry.</summary>
public sealed record ModelLookupResult(string Requested, ModelMatch Match, ModelEntry Entry)
{
    public bool IsKnown => Match != ModelMatch.Unknown;

    /// <summary>True when <see cref="Requested"/> is itself a fine-tuned model (continued fine-tuning).</summary>
    public bool IsFineTunedModel => Match == ModelMatch.FineTuned;
}

/// <summary>
/// The base models that can be fine-tuned, with their formats, tokenizer, limits, price and lifecycle. The data is
/// src/FineTune.Build.Core/Models/models.json (embedded, and copied next to the assembly); a project's own file with the
/// same schema extends it or overrides entries field by field.
/// </summary>
public sealed class ModelCatalog
{
    /// <summary>File name of the built-in catalog next to the assembly, and of its embedded resource suffix.</summary>
    public const string DefaultFileName = "models.json";

    private const string ResourceName = "FineTune.Build.Models.models.json";
    private const string BuiltInFile = "models.json (built-in)";

    private static readonly Lazy<ModelCatalog> s_default = new(LoadBuiltIn);

    private readonly Dictionary<string, ModelEntry> _byName;
    private readonly Dictionary<string, string> _aliasToName;

    private ModelCatalog(
        IReadOnlyList<ModelEntry> models,
        Dictionary<string, string> aliases,
        ModelEntry fallback,
        DateOnly? newJobsEnd,
        string? newJobsEndSource,
        string? newJobsEndNote)
    {
        Models = models;
        _byName = models.ToDictionary(m => m.Name, StringComparer.OrdinalIgnoreCase);
        _aliasToName = aliases;
        Fallback = fallback;
        NewJobsEnd = newJobsEnd;
        NewJobsEndSource = newJobsEndSource;
        NewJobsEndNote = newJobsEndNote;
    }

    public IReadOnlyList<ModelEntry> Models { get; }

    /// <summary>The template used for unknown models (its <see cref="ModelEntry.Name"/> is replaced by the requested name).</summary>
    public ModelEntry Fallback { get; }

    /// <summary>Day from which no new fine-tuning jobs can be created (catalog-wide), if announced.</summary>
    public DateOnly? NewJobsEnd { get; }

    public string? NewJobsEndSource { get; }

    public string? NewJobsEndNote { get; }

    /// <summary>
    /// The provider's end of new fine-tuning jobs (OpenAI's self-serve wind-down: models.json <c>fineTuning</c>), or null
    /// when the catalog records none. Publish warns with it before creating a job against api.openai.com.
    /// </summary>
    public FineTuningWindDown? ProviderWindDown => NewJobsEnd is { } end ? new FineTuningWindDown(end, NewJobsEndSource, NewJobsEndNote) : null;

    /// <summary>The built-in catalog. Parsed once per process.</summary>
    public static ModelCatalog LoadDefault() => s_default.Value;

    /// <summary>
    /// The built-in catalog extended or overridden by <paramref name="overridePath"/> (same schema; an entry with a
    /// built-in name changes only the fields it sets). Never throws for a bad file: the errors come back located, and
    /// <see cref="CatalogLoadResult.Catalog"/> is then the built-in catalog.
    /// </summary>
    public static CatalogLoadResult Load(string? overridePath)
    {
        if (string.IsNullOrWhiteSpace(overridePath))
        {
            return new CatalogLoadResult(LoadDefault(), []);
        }

        byte[] content;
        try
        {
            content = File.ReadAllBytes(overridePath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            string why = ex is FileNotFoundException or DirectoryNotFoundException ? "was not found" : $"could not be read ({ex.Message})";
            return new CatalogLoadResult(LoadDefault(),
                [new CatalogDiagnostic(overridePath, 1, 1, $"The model catalog file {why}; fix the path or remove the setting.")]);
        }

        return LoadWithOverride(overridePath, content);
    }

    internal static CatalogLoadResult LoadWithOverride(string overrideFile, byte[] overrideContent)
    {
        var errors = new List<CatalogDiagnostic>();
        var builtIn = CatalogReader.Read(BuiltInFile, ReadBuiltInBytes(), errors)!;
        var extra = CatalogReader.Read(overrideFile, overrideContent, errors);
        if (errors.Count > 0 || extra is null)
        {
            return new CatalogLoadResult(LoadDefault(), errors);
        }

        var catalog = Build([builtIn, extra], errors);
        return errors.Count > 0 ? new CatalogLoadResult(LoadDefault(), errors) : new CatalogLoadResult(catalog, errors);
    }

    /// <summary>Resolves a model name, alias or fine-tuned model id. Unknown or empty names get the fallback entry.</summary>
    public ModelLookupResult Lookup(string? model) => Lookup(model, fallbackModel: null);

    /// <summary>
    /// As <see cref="Lookup(string?)"/>; when the model is unknown and <paramref name="fallbackModel"/> names a catalog
    /// entry (e.g. from a project property), that entry is used instead of the catalog's fallback template.
    /// </summary>
    public ModelLookupResult Lookup(string? model, string? fallbackModel)
    {
        string requested = model?.Trim() ?? "";
        if (TryResolve(requested, out var entry, out var match))
        {
            return new ModelLookupResult(requested, match, entry);
        }

        // A fine-tuned model trains further from its base: ft:BASE:org:suffix:id (and :ckpt-step-N), or legacy BASE:ft-org-date.
        string? baseName = null;
        if (requested.StartsWith("ft:", StringComparison.OrdinalIgnoreCase))
        {
            var parts = requested.Split(':');
            baseName = parts.Length > 1 ? parts[1] : null;
        }
        else if (requested.IndexOf(":ft-", StringComparison.OrdinalIgnoreCase) is int cut and > 0)
        {
            baseName = requested[..cut];
        }

        if (baseName is not null && TryResolve(baseName, out entry, out _))
        {
            return new ModelLookupResult(requested, ModelMatch.FineTuned, entry);
        }

        if (!string.IsNullOrWhiteSpace(fallbackModel) && TryResolve(fallbackModel.Trim(), out var chosen, out _))
        {
            return new ModelLookupResult(requested, ModelMatch.Unknown, chosen);
        }

        return new ModelLookupResult(requested, ModelMatch.Unknown, Fallback with { Name = requested });
    }

    private bool TryResolve(string name, out ModelEntry entry, out ModelMatch match)
    {
        if (name.Length > 0 && _byName.TryGetValue(name, out entry!))
        {
            match = ModelMatch.Name;
            return true;
        }

        if (name.Length > 0 && _aliasToName.TryGetValue(name, out var target) && _byName.TryGetValue(target, out entry!))
        {
            match = ModelMatch.Alias;
            return true;
        }

        entry = null!;
        match = ModelMatch.Unknown;
        return false;
    }

    /// <summary>
    /// Evaluates <paramref name="entry"/>'s lifecycle on <paramref name="today"/> (pass the build's date; tests pass fixed
    /// dates): a deprecated model whose shutdown date has come is retired; new jobs end at the model's or the catalog's date.
    /// </summary>
    public LifecycleAssessment Assess(ModelEntry entry, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var lifecycle = entry.Lifecycle;
        var status = lifecycle.Status;
        if (status != ModelLifecycleStatus.Retired && lifecycle.ShutdownDate is { } shutdown && today >= shutdown)
        {
            status = ModelLifecycleStatus.Retired;
        }
        else if (status == ModelLifecycleStatus.Deprecated && lifecycle.Announced is { } announced && today < announced)
        {
            // Not deprecated yet on that day: a build of an old revision reads as it did then.
            status = ModelLifecycleStatus.Active;
        }

        DateOnly? newJobsEnd = entry.NewJobsEnd ?? NewJobsEnd;
        string? newJobsEndSource = entry.NewJobsEnd is not null
            ? entry.Sources.GetValueOrDefault("newJobsEnd")
            : NewJobsEndSource;
        bool newJobsAllowed = status != ModelLifecycleStatus.Retired && (newJobsEnd is null || today < newJobsEnd.Value);
        int? daysLeft = status != ModelLifecycleStatus.Retired && lifecycle.ShutdownDate is { } date
            ? date.DayNumber - today.DayNumber
            : null;

        return new LifecycleAssessment(status, lifecycle.ShutdownDate, lifecycle.Replacement, lifecycle.Source,
            newJobsEnd, newJobsEndSource, newJobsAllowed, daysLeft);
    }

    private static ModelCatalog LoadBuiltIn()
    {
        var errors = new List<CatalogDiagnostic>();
        var raw = CatalogReader.Read(BuiltInFile, ReadBuiltInBytes(), errors);
        var catalog = raw is null ? null : Build([raw], errors);
        if (errors.Count > 0 || catalog is null)
        {
            // The embedded file is part of this assembly; a problem here is a bug of the package, not of the user's project.
            throw new InvalidOperationException("The built-in model catalog is invalid: " + string.Join("; ", errors));
        }

        return catalog;
    }

    private static byte[] ReadBuiltInBytes()
    {
        using var stream = typeof(ModelCatalog).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"Embedded resource {ResourceName} is missing from {typeof(ModelCatalog).Assembly.GetName().Name}.");
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }

    /// <summary>Merges catalog files in order (later files extend or override earlier ones) and checks the result.</summary>
    private static ModelCatalog Build(IReadOnlyList<RawCatalog> files, List<CatalogDiagnostic> errors)
    {
        var merged = new Dictionary<string, RawModel>(StringComparer.OrdinalIgnoreCase);
        var order = new List<string>();
        var aliasOwner = new Dictionary<string, (string Name, RawCatalog File, string Path)>(StringComparer.OrdinalIgnoreCase);
        RawModel fallback = new() { Path = "fallback" };
        DateOnly? newJobsEnd = null;
        string? newJobsEndSource = null, newJobsEndNote = null;
        int minExamples = 10;
        Dictionary<string, string> defaultSources = new(StringComparer.Ordinal);

        foreach (var file in files)
        {
            void Error(string path, string message)
            {
                var (line, column) = file.Locator.Locate(path);
                errors.Add(new CatalogDiagnostic(file.File, line, column, message));
            }

            if (file.NewJobsEnd is not null)
            {
                newJobsEnd = file.NewJobsEnd;
            }

            if (file.NewJobsEndSource is not null)
            {
                newJobsEndSource = file.NewJobsEndSource;
            }

            if (file.NewJobsEndNote is not null)
            {
                newJobsEndNote = file.NewJobsEndNote;
            }

            if (file.DefaultMinExamples is { } min)
            {
                minExamples = min;
            }

            if (file.DefaultSources is not null)
            {
                foreach (var (key, value) in file.DefaultSources)
                {
                    defaultSources[key] = value;
                }
            }

            if (file.Fallback is not null)
            {
                MergeInto(fallback, file.Fallback);
            }

            var namesInFile = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var model in file.Models)
            {
                if (model.Name is null)
                {
                    continue;
                }

                if (!namesInFile.Add(model.Name))
                {
                    Error($"{model.Path}.name", $"Model '{model.Name}' is defined twice in this file; merge the two entries.");
                    continue;
                }

                if (merged.TryGetValue(model.Name, out var existing))
                {
                    MergeInto(existing, model);
                }
                else
                {
                    var missing = new List<string>();
                    if (model.Formats is null)
                    {
                        missing.Add("formats");
                    }

                    if (model.Methods is null)
                    {
                        missing.Add("methods");
                    }

                    if (model.Tokenizer is null)
                    {
                        missing.Add("tokenizer");
                    }

                    if (model.MaxExampleTokens is null)
                    {
                        missing.Add("maxExampleTokens");
                    }

                    if (missing.Count > 0)
                    {
                        Error(model.Path, $"Model '{model.Name}' is not in the built-in catalog, so it must set {string.Join(", ", missing)}.");
                        continue;
                    }

                    merged[model.Name] = model;
                    order.Add(model.Name);
                }

                foreach (var (alias, aliasPath) in model.Aliases ?? [])
                {
                    if (merged.ContainsKey(alias) && !alias.Equals(model.Name, StringComparison.OrdinalIgnoreCase))
                    {
                        Error(aliasPath, $"Alias '{alias}' is already the name of a model; remove the alias or rename the model.");
                    }
                    else if (aliasOwner.TryGetValue(alias, out var owner) && owner.File == file
                             && !owner.Name.Equals(model.Name, StringComparison.OrdinalIgnoreCase))
                    {
                        Error(aliasPath, $"Alias '{alias}' is also an alias of '{owner.Name}'; an alias must name one model.");
                    }
                    else
                    {
                        // A later file may move an alias (e.g. point gpt-4o-mini at a project's own entry).
                        aliasOwner[alias] = (model.Name, file, aliasPath);
                    }
                }
            }
        }

        foreach (var (name, _) in aliasOwner.Where(a => merged.ContainsKey(a.Key)).ToList())
        {
            aliasOwner.Remove(name);
        }

        var fallbackEntry = ToEntry(fallback, "unknown", minExamples, defaultSources);
        var models = order.Select(name => ToEntry(merged[name], merged[name].Name!, minExamples, defaultSources)).ToList();
        var aliases = aliasOwner.ToDictionary(a => a.Key, a => a.Value.Name, StringComparer.OrdinalIgnoreCase);
        models = models.Select(m => m with
        {
            Aliases = aliases.Where(a => string.Equals(a.Value, m.Name, StringComparison.OrdinalIgnoreCase)).Select(a => a.Key).ToArray(),
        }).ToList();

        return new ModelCatalog(models, aliases, fallbackEntry, newJobsEnd, newJobsEndSource, newJobsEndNote);
    }

    private static void MergeInto(RawModel target, RawModel source)
    {
        if (source.Formats is not null)
        {
            target.Formats = source.Formats;
        }

        if (source.Methods is not null)
        {
            target.Methods = source.Methods;
        }

        if (source.Tokenizer is not null)
        {
            target.Tokenizer = source.Tokenizer;
        }

        if (source.MaxExampleTokens is not null)
        {
            target.MaxExampleTokens = source.MaxExampleTokens;
        }

        if (source.MinExamples is not null)
        {
            target.MinExamples = source.MinExamples;
        }

        if (source.HasPrice) { target.HasPrice = true; target.Price = source.Price; }
        if (source.Lifecycle is not null)
        {
            target.Lifecycle = source.Lifecycle;
        }

        if (source.HasNewJobsEnd) { target.HasNewJobsEnd = true; target.NewJobsEnd = source.NewJobsEnd; }
        if (source.Note is not null)
        {
            target.Note = source.Note;
        }

        if (source.Sources is not null)
        {
            target.Sources ??= new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (key, value) in source.Sources)
            {
                target.Sources[key] = value;
            }
        }
    }

    private static ModelEntry ToEntry(RawModel raw, string name, int defaultMinExamples, Dictionary<string, string> defaultSources)
    {
        var sources = new Dictionary<string, string>(StringComparer.Ordinal);
        if (raw.MinExamples is null)
        {
            // The catalog-wide minimum applies; so does its citation.
            foreach (var (key, value) in defaultSources)
            {
                sources[key] = value;
            }
        }

        foreach (var (key, value) in raw.Sources ?? [])
        {
            sources[key] = value;
        }

        return new ModelEntry
        {
            Name = name,
            Formats = raw.Formats ?? [.. ModelFormats.All],
            Methods = raw.Methods ?? [.. ModelMethods.All],
            Tokenizer = raw.Tokenizer ?? Tokens.TokenEncodings.O200kBase,
            MaxExampleTokens = raw.MaxExampleTokens ?? 65536,
            MinExamples = raw.MinExamples ?? defaultMinExamples,
            TrainingPricePerMillionTokens = raw.HasPrice ? raw.Price : null,
            Lifecycle = raw.Lifecycle ?? ModelLifecycle.Active,
            NewJobsEnd = raw.HasNewJobsEnd ? raw.NewJobsEnd : null,
            Sources = sources,
            Note = raw.Note,
        };
    }
}
