using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using FineTune.Build.Reports;

namespace FineTune.Build.Output;

/// <summary>
/// The commit marker of a compile's output set (<c>&lt;name&gt;.finetune.complete</c>): deleted before the first
/// output is moved into place and written, atomically, after the last (JSONL, source maps and reports), listing each
/// JSONL's size and SHA-256. A compile killed at any point therefore leaves either the previous complete set with
/// its stamp, or no stamp: the SDK declares the stamp as an output of FineTuneCompile, so the next build compiles
/// again. <see cref="Begin"/> also removes the temporary files a killed compile left.
/// </summary>
public sealed class CompletionStamp
{
    private readonly string _datasetName;
    private readonly string[] _folders;

    public CompletionStamp(string outputDirectory, string? intermediateDirectory, string datasetName)
    {
        _datasetName = datasetName;
        Path = PathFor(intermediateDirectory ?? outputDirectory, datasetName);
        _folders = intermediateDirectory is null ? [outputDirectory] : [outputDirectory, intermediateDirectory];
    }

    /// <summary>The stamp file.</summary>
    public string Path { get; }

    public static string PathFor(string folder, string datasetName) => System.IO.Path.Combine(folder, datasetName + ".finetune.complete");

    /// <summary>
    /// Before anything is written: the stamp goes first, then any <c>&lt;name&gt;.*.tmp</c> left by a killed compile
    /// (except <paramref name="inUse"/>, this compile's own spool).
    /// </summary>
    public void Begin(string? inUse = null)
    {
        if (File.Exists(Path))
        {
            File.Delete(Path);
        }

        foreach (var folder in _folders)
        {
            if (!Directory.Exists(folder))
            {
                continue;
            }

            foreach (var leftover in Directory.EnumerateFiles(folder, _datasetName + ".*.tmp"))
            {
                if (string.Equals(leftover, inUse, StringComparison.Ordinal))
                {
                    continue;
                }

                try
                {
                    File.Delete(leftover);
                }
                catch (IOException)
                {
                    // Another process's file in use: it is removed by a later build.
                }
            }
        }
    }

    /// <summary>After the last output is in place: writes the stamp listing the JSONL outputs.</summary>
    public void Complete(IEnumerable<OutputFileInfo> outputs)
    {
        var text = new StringBuilder();
        foreach (var output in outputs)
        {
            text.Append(CultureInfo.InvariantCulture, $"{output.Kind}\t{System.IO.Path.GetFileName(output.Path)}\t{output.Bytes}\t{output.Sha256}\n");
        }

        AtomicFile.WriteAllBytes(Path, Encoding.UTF8.GetBytes(text.ToString()));
    }

    /// <summary>
    /// Null when the stamp at <paramref name="stampPath"/> exists and every JSONL it lists (in
    /// <paramref name="outputDirectory"/>) has the listed size and SHA-256; otherwise what is wrong.
    /// </summary>
    public static string? Verify(string stampPath, string outputDirectory)
    {
        if (!File.Exists(stampPath))
        {
            return "no completion stamp";
        }

        foreach (var line in File.ReadAllLines(stampPath))
        {
            var fields = line.Split('\t');
            if (fields.Length != 4)
            {
                return $"malformed stamp line '{line}'";
            }

            var file = System.IO.Path.Combine(outputDirectory, fields[1]);
            if (!File.Exists(file))
            {
                return $"{fields[1]} is missing";
            }

            using var stream = File.OpenRead(file);
            if (stream.Length.ToString(CultureInfo.InvariantCulture) != fields[2] || Convert.ToHexString(SHA256.HashData(stream)).ToLowerInvariant() != fields[3])
            {
                return $"{fields[1]} is not the file the stamp describes";
            }
        }

        return null;
    }
}
