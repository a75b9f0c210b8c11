using System.Xml;

namespace FineTune.Build.Diagnostics;

/// <summary>
/// Finds where in a project file a project-level finding belongs, so that every diagnostic prints as
/// <c>file(line,col): error FTnnnn</c> and becomes an annotation: the <c>&lt;FineTuneBaseModel&gt;</c> element for a
/// model finding (in the project, else in the Directory.Build.props/targets MSBuild imports above it), the
/// <c>FineTuneSource</c> item for a template finding, the named property for a settings finding, and otherwise the
/// project's first line. Each lookup is one forward-only read of the file; a file that cannot be read or parsed
/// gives the first line.
/// </summary>
public sealed class ProjectFileLocator
{
    private static readonly XmlReaderSettings ReaderSettings = new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
    };

    private readonly Dictionary<string, Location?> _cache = new(StringComparer.Ordinal);
    private readonly object _gate = new();

    public ProjectFileLocator(string projectFile)
    {
        ProjectFile = projectFile;
    }

    /// <summary>The project file's full path.</summary>
    public string ProjectFile { get; }

    /// <summary>The project file's first line: where a finding with nothing better to point at goes.</summary>
    public Location FirstLine => new(ProjectFile, 1, 1);

    /// <summary>
    /// The <c>&lt;FineTuneBaseModel&gt;</c> element that defines the model: the project's own, else the nearest
    /// Directory.Build.props or Directory.Build.targets above it that sets it; else the project's first line.
    /// </summary>
    public Location BaseModel() => Property("FineTuneBaseModel", searchImports: true);

    /// <summary>The element setting property <paramref name="name"/> in the project (or an imported Directory.Build file), else the first line.</summary>
    public Location Property(string name, bool searchImports = true)
    {
        foreach (var file in searchImports ? CandidateFiles() : [ProjectFile])
        {
            if (Find(file, "p:" + name) is { } found)
            {
                return found;
            }
        }

        return FirstLine;
    }

    /// <summary>
    /// The <c>FineTuneSource</c> item whose Include (or Update) names <paramref name="source"/> (a path relative to the
    /// project, or full), else the first FineTuneSource item, else the project's first line.
    /// </summary>
    public Location SourceItem(string source)
    {
        var relative = Normalize(Path.IsPathRooted(source)
            ? Path.GetRelativePath(Path.GetDirectoryName(ProjectFile) ?? ".", source)
            : source);
        return Find(ProjectFile, "i:" + relative) ?? Find(ProjectFile, "i:") ?? FirstLine;
    }

    /// <summary>
    /// Places a diagnostic that has no line: one without a file, or at the project file without a line, goes to the
    /// element the fix changes. Located diagnostics are returned unchanged.
    /// </summary>
    public Diagnostic Place(Diagnostic diagnostic)
    {
        if (diagnostic.Line > 0 && diagnostic.File is not null)
        {
            return diagnostic;
        }

        if (diagnostic.File is not null && !SameFile(diagnostic.File, ProjectFile))
        {
            // A source file without a line (unreadable, say): its first line.
            return diagnostic with { Line = 1, Column = 1 };
        }

        var location = LocationFor(diagnostic);
        return diagnostic with { File = location.File, Line = location.Line, Column = location.Column };
    }

    /// <summary>The element a project-level diagnostic's fix changes, by its code.</summary>
    public Location LocationFor(Diagnostic diagnostic)
    {
        switch (diagnostic.Code)
        {
            case "FT4001" or "FT4003" or "FT4004" or "FT4005" or "FT4010":
                return BaseModel();
            case "FT4002":
                return diagnostic.Message.Contains("FineTuneMethod", StringComparison.Ordinal) ? Property("FineTuneMethod") : BaseModel();
            case "FT4006":
                return Property("FineTuneModelCatalog");
            case "FT0001":
                // "FineTuneXxx is '...'": the property named first.
                var name = diagnostic.Message.Split(' ', 2)[0];
                return name.StartsWith("FineTune", StringComparison.Ordinal) ? Property(name) : FirstLine;
            default:
                return FirstLine;
        }
    }

    private IEnumerable<string> CandidateFiles()
    {
        yield return ProjectFile;

        // MSBuild imports the nearest Directory.Build.props (and .targets) above the project.
        for (var dir = Directory.GetParent(Path.GetFullPath(ProjectFile)); dir is not null; dir = dir.Parent)
        {
            var props = Path.Combine(dir.FullName, "Directory.Build.props");
            var targets = Path.Combine(dir.FullName, "Directory.Build.targets");
            var found = false;
            if (File.Exists(props))
            {
                found = true;
                yield return props;
            }

            if (File.Exists(targets))
            {
                found = true;
                yield return targets;
            }

            if (found)
            {
                yield break;
            }
        }
    }

    /// <summary>Key "p:Name" finds a property element; "i:path" a FineTuneSource item by Include/Update ("i:" the first).</summary>
    private Location? Find(string file, string key)
    {
        var cacheKey = file + "\n" + key;
        lock (_gate)
        {
            if (_cache.TryGetValue(cacheKey, out var cached))
            {
                return cached;
            }
        }

        var found = Scan(file, key);
        lock (_gate)
        {
            _cache[cacheKey] = found;
        }

        return found;
    }

    private static Location? Scan(string file, string key)
    {
        if (!File.Exists(file))
        {
            return null;
        }

        var property = key.StartsWith("p:", StringComparison.Ordinal) ? key[2..] : null;
        var item = property is null ? key[2..] : null;
        try
        {
            using var reader = XmlReader.Create(file, ReaderSettings);
            var info = (IXmlLineInfo)reader;
            var depth = -1;
            while (reader.Read())
            {
                if (reader.NodeType != XmlNodeType.Element)
                {
                    continue;
                }

                // The element name starts one column after its '<'.
                var location = new Location(file, info.LineNumber, Math.Max(1, info.LinePosition - 1));
                if (property is not null && reader.LocalName == "PropertyGroup")
                {
                    depth = reader.Depth;
                }
                else if (property is not null && depth >= 0 && reader.Depth == depth + 1 && reader.LocalName == property)
                {
                    return location;
                }
                else if (item is not null && reader.LocalName == "FineTuneSource")
                {
                    var include = reader.GetAttribute("Include") ?? reader.GetAttribute("Update") ?? "";
                    if (item.Length == 0 || include.Split(';').Any(i => Normalize(i.Trim()) == item))
                    {
                        return location;
                    }
                }
            }
        }
        catch (Exception ex) when (ex is XmlException or IOException or UnauthorizedAccessException)
        {
            return null;
        }

        return null;
    }

    private static string Normalize(string path)
    {
        var normalized = path.Replace('\\', '/');
        return normalized.StartsWith("./", StringComparison.Ordinal) ? normalized[2..] : normalized;
    }

    private static bool SameFile(string a, string b)
        => string.Equals(Path.GetFullPath(a), Path.GetFullPath(b), OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);
}
