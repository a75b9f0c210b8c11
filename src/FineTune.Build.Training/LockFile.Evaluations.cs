using System.Text.Json.Nodes;

namespace FineTune.Build.Training;

/// <summary>
/// The evaluation cache (docs/lock-file.md): per dataset, "evaluations" maps a cache key (model, endpoint,
/// validation-file hash and evaluation settings) to the eval.json of that run, so a re-publish sends no request.
/// </summary>
public sealed partial class LockFile
{
    /// <summary>The cached evaluation of <paramref name="cacheKey"/>, or null.</summary>
    public JsonObject? FindEvaluation(string dataset, string cacheKey) =>
        Datasets[dataset] is JsonObject d && d["evaluations"] is JsonObject evaluations && evaluations[cacheKey] is JsonObject e
            ? (JsonObject)e.DeepClone()
            : null;

    /// <summary>Adds or replaces a cached evaluation; training entries are untouched.</summary>
    public void SetEvaluation(string dataset, string cacheKey, JsonObject evaluation)
    {
        if (Datasets[dataset] is not JsonObject d)
        {
            Datasets[dataset] = d = new JsonObject();
        }

        if (d["evaluations"] is not JsonObject evaluations)
        {
            d["evaluations"] = evaluations = new JsonObject();
        }

        evaluations[cacheKey] = evaluation.DeepClone();
    }
}
