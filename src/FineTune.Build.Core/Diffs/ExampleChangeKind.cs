namespace FineTune.Build.Diffs;

/// <summary>What a change did to an example.</summary>
public enum ExampleChangeKind
{
    Added,
    Removed,
    Changed,
}
