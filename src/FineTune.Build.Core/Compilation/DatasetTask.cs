namespace FineTune.Build.Compilation;

/// <summary>FineTuneTask.</summary>
public enum DatasetTask
{
    Generation,
    Classification,
}
