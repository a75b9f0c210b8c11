using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace FineTune.Build.Training;

/// <summary>One compiled file and the SHA-256 of its bytes.</summary>
public sealed record CompiledFile(string Kind, string Path, string Sha256, long Bytes)
{
    /// <summary>The name it is uploaded under: the content hash in the name lets a later publish find and reuse it.</summary>
    public string UploadName(string datasetName) => $"{datasetName}.{Kind}.{Sha256[..16]}.jsonl";
}

/// <summary>
/// The identity of a training run. The dataset hash covers the compiled files' bytes (with their kind, so moving
/// an example between train and validation changes it); the lock key adds everything else that changes the model.
/// </summary>
public sealed class DatasetFingerprint
{
    public required IReadOnlyList<CompiledFile> Files { get; init; }
    public required string DatasetHash { get; init; }
    public required string LockKey { get; init; }
    /// <summary>The text the lock key hashes, one "name=value" a line (for diagnostics and docs).</summary>
    public required string KeyMaterial { get; init; }

    public CompiledFile Train => Files[0];
    public CompiledFile? Validation => Files.Count > 1 ? Files[1] : null;

    public static DatasetFingerprint Compute(TrainingRequest request, string trainer)
    {
        var files = new List<CompiledFile> { HashFile("train", request.TrainFile) };
        if (!string.IsNullOrEmpty(request.ValidationFile))
        {
            files.Add(HashFile("validation", request.ValidationFile!));
        }

        var dataset = new StringBuilder("finetune-dataset-v1\n");
        foreach (var f in files)
        {
            dataset.Append(f.Kind).Append(' ').Append(f.Bytes.ToString(CultureInfo.InvariantCulture)).Append(' ').Append(f.Sha256).Append('\n');
        }

        var datasetHash = Sha256Hex(Encoding.UTF8.GetBytes(dataset.ToString()));

        var key = new StringBuilder("finetune-lock-v1\n");
        void Line(string name, string value) => key.Append(name).Append('=').Append(value).Append('\n');
        Line("dataset", datasetHash);
        Line("model", request.BaseModel ?? "");
        Line("method", request.Method);
        Line("epochs", Format(request.Epochs));
        Line("batch_size", Format(request.BatchSize));
        Line("learning_rate_multiplier", Format(request.LearningRateMultiplier));
        if (request.Method == "dpo")
        {
            Line("beta", Format(request.Beta));
        }

        Line("seed", request.Seed?.ToString(CultureInfo.InvariantCulture) ?? "none");
        Line("suffix", request.Suffix ?? "");
        if (trainer == "Command")
        {
            Line("trainer", "command:" + (request.TrainCommand ?? ""));
        }

        var material = key.ToString();

        return new DatasetFingerprint
        {
            Files = files,
            DatasetHash = datasetHash,
            LockKey = Sha256Hex(Encoding.UTF8.GetBytes(material)),
            KeyMaterial = material,
        };
    }

    internal static string Format(int? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "auto";

    internal static string Format(double? value) => value?.ToString("R", CultureInfo.InvariantCulture) ?? "auto";

    public static CompiledFile HashFile(string kind, string path)
    {
        if (!File.Exists(path))
        {
            throw new TrainingException(TrainingDiagnostics.MissingCompiledFile, $"The compiled {kind} file '{path}' does not exist; build the project first.");
        }

        using var stream = File.OpenRead(path);
        var hash = SHA256.HashData(stream);
        return new CompiledFile(kind, Path.GetFullPath(path), Convert.ToHexString(hash).ToLowerInvariant(), stream.Length);
    }

    internal static string Sha256Hex(byte[] bytes) => Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant();
}
