using System.Text;
using System.Text.RegularExpressions;

namespace FineTune.Build.Fuzz;

/// <summary>
/// Seeds for each target: pieces (a few lines, at most 8 KB) of the real data in ../shared/data, the sample
/// project's and template's sources, the JSONL data restated as YAML, and the raw string literals of the unit tests'
/// sources (tests/**/*.cs), which hold every edge case the readers are tested with.
/// </summary>
public sealed partial class SeedCorpus
{
    private const int MaxSeedBytes = 8 * 1024;

    public List<byte[]> Yaml { get; } = [];

    public List<byte[]> Csv { get; } = [];

    public List<byte[]> Tsv { get; } = [];

    public List<byte[]> Jsonl { get; } = [];

    public List<byte[]> Templates { get; } = [];

    /// <summary>Loads the seeds found from <paramref name="repositoryRoot"/> (the folder holding FineTune.Build.sln).</summary>
    public static SeedCorpus Load(string repositoryRoot)
    {
        var corpus = new SeedCorpus();
        var shared = Path.GetFullPath(Path.Combine(repositoryRoot, "..", "shared", "data"));
        var files = new List<string>();
        foreach (var folder in new[] { shared, Path.Combine(repositoryRoot, "sample-project"), Path.Combine(repositoryRoot, "templates") })
        {
            if (Directory.Exists(folder))
            {
                files.AddRange(Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
                    .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                             && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)));
            }
        }

        files.Sort(StringComparer.Ordinal);
        foreach (var file in files)
        {
            var lines = File.ReadAllLines(file);
            switch (Path.GetExtension(file).ToLowerInvariant())
            {
                case ".jsonl":
                    corpus.AddPieces(corpus.Jsonl, lines);
                    corpus.AddPieces(corpus.Yaml, ["examples:", .. lines.Where(l => l.Length > 0).Select(l => "  - " + l)]);
                    break;
                case ".yaml":
                case ".yml":
                    corpus.Yaml.Add(Cap(File.ReadAllBytes(file)));
                    break;
                case ".csv":
                    corpus.AddPieces(corpus.Csv, lines);
                    corpus.AddPieces(corpus.Tsv, lines.Select(l => l.Replace(',', '\t')).ToArray());
                    break;
                default:
                    break;
            }
        }

        corpus.AddTestLiterals(Path.Combine(repositoryRoot, "tests"));
        corpus.AddTemplateSeeds();
        return corpus;
    }

    /// <summary>The first lines of the file (1, 3, 10 and 40 of them) and windows of 5 lines across it.</summary>
    private void AddPieces(List<byte[]> into, string[] lines)
    {
        if (lines.Length == 0)
        {
            return;
        }

        foreach (var count in new[] { 1, 3, 10, 40 })
        {
            into.Add(Cap(Encoding.UTF8.GetBytes(string.Join('\n', lines.Take(count)) + "\n")));
        }

        var header = lines[0];
        for (var start = 1; start < lines.Length; start += Math.Max(5, lines.Length / 20))
        {
            var window = lines.Skip(start).Take(5);
            into.Add(Cap(Encoding.UTF8.GetBytes(string.Join('\n', into == Jsonl ? window : window.Prepend(header)) + "\n")));
        }
    }

    private void AddTestLiterals(string testsFolder)
    {
        if (!Directory.Exists(testsFolder))
        {
            return;
        }

        foreach (var file in Directory.EnumerateFiles(testsFolder, "*.cs", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            if (file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            {
                continue;
            }

            foreach (Match match in RawString().Matches(File.ReadAllText(file)))
            {
                var text = match.Groups["body"].Value;
                var bytes = Cap(Encoding.UTF8.GetBytes(text.Replace("\r\n", "\n") + "\n"));
                var trimmed = text.TrimStart();
                if (trimmed.StartsWith('{'))
                {
                    Jsonl.Add(bytes);
                    Yaml.Add(bytes);
                }
                else if (text.Contains('\t'))
                {
                    Tsv.Add(bytes);
                }
                else
                {
                    Yaml.Add(bytes);
                    if (text.Contains(','))
                    {
                        Csv.Add(bytes);
                    }
                }
            }
        }
    }

    /// <summary>Template seeds: the sample's templates with each CSV seed, and a few chat ones.</summary>
    private void AddTemplateSeeds()
    {
        (string First, string Second)[] templates =
        [
            ("Company: {Company}\\nProduct: {Product}\\nAd:{Ad}\\nSupported:", "{Supported}"),
            ("{Supplier}: {Description} ({Transaction value (£)})", "{Classification}"),
            ("Describe {{literal}} {Description}\\t{Date}", " {Classification}\\n"),
            ("{Ad}", "{Supported}"),
        ];
        var index = 0;
        foreach (var csv in Csv)
        {
            var (first, second) = templates[index++ % templates.Length];
            Templates.Add([.. Encoding.UTF8.GetBytes(first), FuzzTarget.FieldSeparator, .. Encoding.UTF8.GetBytes(second), FuzzTarget.FieldSeparator, .. csv]);
        }
    }

    private static byte[] Cap(byte[] bytes) => bytes.Length <= MaxSeedBytes ? bytes : bytes[..MaxSeedBytes];

    [GeneratedRegex("\"\"\"\\r?\\n(?<body>.*?)\\r?\\n[ \\t]*\"\"\"", RegexOptions.Singleline)]
    private static partial Regex RawString();
}
