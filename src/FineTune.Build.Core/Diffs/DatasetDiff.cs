namespace FineTune.Build.Diffs;

/// <summary>
/// What a change does to a dataset: the examples it adds, removes and changes (matched by id, else by content
/// identity: same key, another value is "changed"), and the movement of counts, class balance, tokens and cost.
/// </summary>
public sealed class DatasetDiff
{
    private DatasetDiff(DatasetSnapshot @base, DatasetSnapshot head)
    {
        Base = @base;
        Head = head;
    }

    public DatasetSnapshot Base { get; }

    public DatasetSnapshot Head { get; }

    public List<ExampleChange> Added { get; } = [];

    public List<ExampleChange> Removed { get; } = [];

    public List<ExampleChange> Changed { get; } = [];

    /// <summary>Examples in both, unchanged.</summary>
    public int Unchanged { get; private set; }

    public bool IsEmpty => Added.Count == 0 && Removed.Count == 0 && Changed.Count == 0;

    public static DatasetDiff Compute(DatasetSnapshot @base, DatasetSnapshot head)
    {
        var diff = new DatasetDiff(@base, head);
        var baseLeft = new List<SnapshotExample>();
        var matched = new HashSet<SnapshotExample>(ReferenceEqualityComparer.Instance);

        // 1. By id: an id names the same example on both sides, whatever its content became.
        var headById = head.Examples.Where(e => e.Id is not null).GroupBy(e => e.Id!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => new Queue<SnapshotExample>(g), StringComparer.Ordinal);
        foreach (var b in @base.Examples)
        {
            if (b.Id is not null && headById.TryGetValue(b.Id, out var queue) && queue.TryDequeue(out var h))
            {
                matched.Add(h);
                diff.Pair(b, h);
            }
            else
            {
                baseLeft.Add(b);
            }
        }

        // 2. By content: the same key and value is the same example (moved, perhaps); then the same key with
        // another value is a change (a relabelled example).
        var headByContent = Index(head.Examples.Where(e => !matched.Contains(e)), e => e.Key + "\u0000" + e.Value);
        var stillBase = new List<SnapshotExample>();
        foreach (var b in baseLeft)
        {
            if (headByContent.TryGetValue(b.Key + "\u0000" + b.Value, out var queue) && queue.TryDequeue(out var h))
            {
                matched.Add(h);
                diff.Unchanged++;
            }
            else
            {
                stillBase.Add(b);
            }
        }

        var headByKey = Index(head.Examples.Where(e => !matched.Contains(e)), e => e.Key);
        foreach (var b in stillBase)
        {
            if (headByKey.TryGetValue(b.Key, out var queue) && queue.TryDequeue(out var h))
            {
                matched.Add(h);
                diff.Pair(b, h);
            }
            else
            {
                diff.Removed.Add(new ExampleChange(ExampleChangeKind.Removed, b, null));
            }
        }

        diff.Added.AddRange(head.Examples.Where(e => !matched.Contains(e)).Select(h => new ExampleChange(ExampleChangeKind.Added, null, h)));
        return diff;
    }

    /// <summary>Class labels on either side, with their counts (0 when absent).</summary>
    public IEnumerable<(string Label, int Base, int Head)> Classes()
        => Base.Figures.Classes.Keys.Union(Head.Figures.Classes.Keys).Order(StringComparer.Ordinal)
            .Select(label => (label, Base.Figures.Classes.GetValueOrDefault(label), Head.Figures.Classes.GetValueOrDefault(label)));

    private void Pair(SnapshotExample b, SnapshotExample h)
    {
        if (b.Key == h.Key && b.Value == h.Value)
        {
            Unchanged++;
        }
        else
        {
            Changed.Add(new ExampleChange(ExampleChangeKind.Changed, b, h));
        }
    }

    private static Dictionary<string, Queue<SnapshotExample>> Index(IEnumerable<SnapshotExample> examples, Func<SnapshotExample, string> key)
        => examples.GroupBy(key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => new Queue<SnapshotExample>(g), StringComparer.Ordinal);
}
