namespace FineTune.Build.Compilation;

/// <summary>FineTuneTask.</summary>
public enum DatasetTask
{
    Generation,
    Classification,

    /// <summary>Every prompt is empty (the seed's guide): the model learns to write completions from nothing.</summary>
    OpenEndedGeneration,
}
