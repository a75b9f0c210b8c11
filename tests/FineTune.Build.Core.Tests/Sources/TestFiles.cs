using System.Text;
using FineTune.Build.Compilation;
using FineTune.Build.Diagnostics;
using FineTune.Build.Documents;
using FineTune.Build.Examples;
using FineTune.Build.Output;
using FineTune.Build.Sources;

namespace FineTune.Build.Core.Tests;

/// <summary>A temporary folder for source files, deleted on dispose.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "ftcore-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Writes text as UTF-8 without BOM, exactly as given (no newline conversion).</summary>
    public string Write(string name, string text) => WriteBytes(name, new UTF8Encoding(false).GetBytes(text));

    public string WriteBytes(string name, byte[] bytes)
    {
        var path = File(name);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        System.IO.File.WriteAllBytes(path, bytes);
        return path;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>Reading helpers: every diagnostic is kept (no cap) and rendered as "FTnnnn(line,col)".</summary>
internal static class TestFiles
{
    public static readonly UTF8Encoding Utf8 = new(false);

    public static DiagnosticCollector Collector() => new(maxReported: 0);

    public static string Codes(DiagnosticCollector diagnostics)
        => string.Join(" ", diagnostics.Diagnostics.Select(d => $"{d.Code}({d.Line},{d.Column})"));

    public static List<SourceRecord> Read(SourceFile source, DiagnosticCollector diagnostics)
        => SourceReaders.Read(source, diagnostics).ToList();

    /// <summary>Writes <paramref name="text"/> to a file named <paramref name="name"/> and reads it.</summary>
    public static (List<SourceRecord> Records, DiagnosticCollector Diagnostics) ReadText(TempFolder folder, string name, string text)
        => ReadBytes(folder, name, Utf8.GetBytes(text));

    public static (List<SourceRecord> Records, DiagnosticCollector Diagnostics) ReadBytes(TempFolder folder, string name, byte[] bytes)
    {
        var path = folder.WriteBytes(name, bytes);
        var diagnostics = Collector();
        return (Read(new SourceFile(path), diagnostics), diagnostics);
    }

    /// <summary>The canonical JSON of a node (unbound YAML plain scalars are written as strings).</summary>
    public static string Json(Node node) => Utf8.GetString(CanonicalJsonWriter.ToBytes(node));

    /// <summary>Binds every record to <paramref name="format"/> and renders the bound bodies, one per line.</summary>
    public static string BindAll(SourceFile source, IEnumerable<SourceRecord> records, DatasetFormat format, DiagnosticCollector diagnostics)
    {
        var binder = new ExampleBinder(diagnostics);
        var lines = new List<string>();
        foreach (var record in records)
        {
            var example = binder.Bind(source, record, format);
            lines.Add(example is null ? "<null>" : Json(example.Body));
        }

        return string.Join("\n", lines);
    }

    /// <summary>A file of ../shared/data beside the checkout (found from the repository root, never a machine path).</summary>
    public static string Shared(string relative) => System.IO.Path.Combine(SharedData, relative);

    private static string SharedData { get; } = FindSharedData();

    private static string FindSharedData()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (System.IO.File.Exists(System.IO.Path.Combine(dir.FullName, "FineTune.Build.sln")))
            {
                return System.IO.Path.GetFullPath(System.IO.Path.Combine(dir.FullName, "..", "shared", "data"));
            }
        }

        throw new InvalidOperationException("FineTune.Build.sln not found above " + AppContext.BaseDirectory);
    }
}
