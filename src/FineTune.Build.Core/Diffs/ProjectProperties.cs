using System.Xml;

namespace FineTune.Build.Diffs;

/// <summary>
/// The literal properties and FineTuneSource items of a dataset project, read without MSBuild (one forward-only read
/// of the nearest Directory.Build.props above the project, then the project): enough to compile a revision of it
/// with the core compiler. A value that refers to another property keeps only its literal parts
/// (<c>$(NoWarn);FT4030</c> is <c>FT4030</c>); a conditional default (<c>'$(X)' == ''</c>) applies only when unset.
/// </summary>
public sealed class ProjectProperties
{
    private static readonly XmlReaderSettings ReaderSettings = new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        IgnoreComments = true,
    };

    private ProjectProperties(string projectFile)
    {
        ProjectFile = projectFile;
    }

    public string ProjectFile { get; }

    /// <summary>Properties by name (case-insensitive, as MSBuild's).</summary>
    public Dictionary<string, string> Properties { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>FineTuneSource items: Include and their metadata attributes.</summary>
    public List<(string Include, Dictionary<string, string?> Metadata)> Sources { get; } = [];

    /// <summary>FineTuneSource Update items: metadata for sources the default glob finds.</summary>
    public List<(string Update, Dictionary<string, string?> Metadata)> Updates { get; } = [];

    public string? this[string name] => Properties.TryGetValue(name, out var value) && value.Length > 0 ? value : null;

    public static ProjectProperties Read(string projectFile)
    {
        var result = new ProjectProperties(Path.GetFullPath(projectFile));
        for (var dir = Directory.GetParent(result.ProjectFile); dir is not null; dir = dir.Parent)
        {
            var props = Path.Combine(dir.FullName, "Directory.Build.props");
            if (File.Exists(props))
            {
                result.ReadFile(props, items: false);
                break;
            }
        }

        result.ReadFile(result.ProjectFile, items: true);
        return result;
    }

    private void ReadFile(string file, bool items)
    {
        using var reader = XmlReader.Create(file, ReaderSettings);
        var groupDepth = -1;
        var inProperties = false;
        while (reader.Read())
        {
            if (reader.NodeType != XmlNodeType.Element)
            {
                continue;
            }

            if (reader.LocalName is "PropertyGroup" or "ItemGroup")
            {
                groupDepth = reader.Depth;
                inProperties = reader.LocalName == "PropertyGroup";
                continue;
            }

            if (groupDepth < 0 || reader.Depth != groupDepth + 1)
            {
                continue;
            }

            if (inProperties)
            {
                var name = reader.LocalName;
                var condition = reader.GetAttribute("Condition");
                var value = Literal(reader.IsEmptyElement ? "" : reader.ReadElementContentAsString());
                var onlyWhenUnset = condition is not null && condition.Replace(" ", "", StringComparison.Ordinal).EndsWith("==''", StringComparison.Ordinal);
                if (condition is null || (onlyWhenUnset && this[name] is null))
                {
                    Properties[name] = value;
                }
            }
            else if (items && reader.LocalName == "FineTuneSource" && (reader.GetAttribute("Include") ?? reader.GetAttribute("Update")) is { } include)
            {
                var isUpdate = reader.GetAttribute("Include") is null;
                var metadata = new Dictionary<string, string?>(StringComparer.Ordinal);
                if (reader.MoveToFirstAttribute())
                {
                    do
                    {
                        if (reader.LocalName is not "Include" and not "Update" and not "Condition")
                        {
                            metadata[reader.LocalName] = reader.Value;
                        }
                    }
                    while (reader.MoveToNextAttribute());
                }

                (isUpdate ? Updates : Sources).Add((include, metadata));
            }
        }
    }

    /// <summary>The literal parts of a value: property references dropped, list separators tidied.</summary>
    private static string Literal(string value)
    {
        var text = System.Text.RegularExpressions.Regex.Replace(value, @"\$\([^)]*\)", "");
        return string.Join(';', text.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }
}
