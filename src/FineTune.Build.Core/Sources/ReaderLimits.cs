namespace FineTune.Build.Sources;

/// <summary>
/// Bounds on what a source may contain, so that a malformed or hostile file ends as located FT errors in bounded
/// time and memory instead of a stack overflow, an out-of-memory or a hang. Each limit has an MSBuild property
/// (named in <see cref="PropertyNames"/>) and a CLI option that raise it; the defaults are far above real datasets.
/// </summary>
public sealed record ReaderLimits
{
    /// <summary>The defaults (see docs/reliability.md).</summary>
    public static ReaderLimits Default { get; } = new();

    /// <summary>Deepest nesting of lists and mappings in one example (FineTuneMaxNestingDepth).</summary>
    public int MaxNestingDepth { get; init; } = 64;

    /// <summary>YAML aliases (*name) used in one example, counting aliases inside aliased values (FineTuneMaxAliases).</summary>
    public int MaxAliases { get; init; } = 1_000;

    /// <summary>Keys of one mapping or JSON object (FineTuneMaxKeysPerObject).</summary>
    public int MaxKeysPerObject { get; init; } = 10_000;

    /// <summary>Messages of one chat example (FineTuneMaxMessagesPerExample).</summary>
    public int MaxMessagesPerExample { get; init; } = 10_000;

    /// <summary>Characters of one scalar or CSV/TSV cell (FineTuneMaxValueBytes).</summary>
    public long MaxValueBytes { get; init; } = 8L * 1024 * 1024;

    /// <summary>Bytes of one JSONL line or CSV/TSV row (FineTuneMaxLineBytes).</summary>
    public long MaxLineBytes { get; init; } = 16L * 1024 * 1024;

    /// <summary>Size of one example with YAML aliases expanded: characters of its text plus one per node (FineTuneMaxExampleBytes).</summary>
    public long MaxExampleBytes { get; init; } = 16L * 1024 * 1024;

    /// <summary>Examples (rows, lines, list items) of one source file (FineTuneMaxExamplesPerFile).</summary>
    public int MaxExamplesPerFile { get; init; } = 5_000_000;

    /// <summary>The largest nesting depth that may be configured: readers and tree walkers recurse at most this deep.</summary>
    public const int NestingDepthCeiling = 1_000;

    /// <summary>
    /// The limits from property values (null or empty: the default). Each invalid value is passed to
    /// <paramref name="invalid"/> (property name, value, what is accepted) and the default is kept.
    /// </summary>
    public static ReaderLimits Parse(Func<string, string?> value, Action<string, string?, string> invalid)
    {
        var d = Default;
        return new ReaderLimits
        {
            MaxNestingDepth = (int)Number(PropertyNames.MaxNestingDepth, d.MaxNestingDepth, NestingDepthCeiling),
            MaxAliases = (int)Number(PropertyNames.MaxAliases, d.MaxAliases, int.MaxValue),
            MaxKeysPerObject = (int)Number(PropertyNames.MaxKeysPerObject, d.MaxKeysPerObject, int.MaxValue),
            MaxMessagesPerExample = (int)Number(PropertyNames.MaxMessagesPerExample, d.MaxMessagesPerExample, int.MaxValue),
            MaxValueBytes = Number(PropertyNames.MaxValueBytes, d.MaxValueBytes, int.MaxValue / 2),
            MaxLineBytes = Number(PropertyNames.MaxLineBytes, d.MaxLineBytes, int.MaxValue / 2),
            MaxExampleBytes = Number(PropertyNames.MaxExampleBytes, d.MaxExampleBytes, long.MaxValue),
            MaxExamplesPerFile = (int)Number(PropertyNames.MaxExamplesPerFile, d.MaxExamplesPerFile, int.MaxValue),
        };

        long Number(string name, long fallback, long ceiling)
        {
            var text = value(name);
            if (string.IsNullOrWhiteSpace(text))
            {
                return fallback;
            }

            if (long.TryParse(text.Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var parsed)
                && parsed >= 1 && parsed <= ceiling)
            {
                return parsed;
            }

            invalid(name, text, string.Create(System.Globalization.CultureInfo.InvariantCulture, $"a whole number from 1 to {ceiling}"));
            return fallback;
        }
    }

    /// <summary>The MSBuild property that raises each limit, for messages.</summary>
    public static class PropertyNames
    {
        public const string MaxNestingDepth = "FineTuneMaxNestingDepth";
        public const string MaxAliases = "FineTuneMaxAliases";
        public const string MaxKeysPerObject = "FineTuneMaxKeysPerObject";
        public const string MaxMessagesPerExample = "FineTuneMaxMessagesPerExample";
        public const string MaxValueBytes = "FineTuneMaxValueBytes";
        public const string MaxLineBytes = "FineTuneMaxLineBytes";
        public const string MaxExampleBytes = "FineTuneMaxExampleBytes";
        public const string MaxExamplesPerFile = "FineTuneMaxExamplesPerFile";
    }
}
