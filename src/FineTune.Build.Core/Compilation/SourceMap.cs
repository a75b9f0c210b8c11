using System.Globalization;

namespace FineTune.Build.Compilation;

/// <summary>
/// Reads the source maps the compiler writes beside its outputs (obj/&lt;name&gt;.&lt;kind&gt;.sourcemap.tsv: one line
/// per output line, "outputLine TAB sourceFile TAB line TAB column"), so an API error about "Example 42" of the
/// uploaded file points back at the source that example came from.
/// </summary>
public static class SourceMap
{
    public static string PathFor(string intermediateDirectory, string datasetName, string kind)
        => Path.Combine(intermediateDirectory, $"{datasetName}.{kind}.sourcemap.tsv");

    /// <summary>The source of output line <paramref name="outputLine"/> (1-based), or null when the map lacks it.</summary>
    public static (string File, int Line, int Column)? Find(string mapPath, int outputLine)
    {
        if (outputLine < 1 || !File.Exists(mapPath))
        {
            return null;
        }

        // Output line N is map line N: read forward without loading the whole map.
        var current = 0;
        foreach (var line in File.ReadLines(mapPath))
        {
            if (++current < outputLine)
            {
                continue;
            }

            var parts = line.Split('\t');
            if (parts.Length == 4
                && int.TryParse(parts[2], NumberStyles.Integer, CultureInfo.InvariantCulture, out var sourceLine)
                && int.TryParse(parts[3], NumberStyles.Integer, CultureInfo.InvariantCulture, out var column))
            {
                return (parts[1], sourceLine, column);
            }

            return null;
        }

        return null;
    }
}
