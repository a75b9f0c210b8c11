namespace FineTune.Build.Diffs;

/// <summary>One example the change touches: added (head only), removed (base only) or changed (both, another value).</summary>
public sealed record ExampleChange(ExampleChangeKind Kind, SnapshotExample? Base, SnapshotExample? Head)
{
    /// <summary>The side that names the example: the head's, else the base's.</summary>
    public SnapshotExample Subject => Head ?? Base!;
}
