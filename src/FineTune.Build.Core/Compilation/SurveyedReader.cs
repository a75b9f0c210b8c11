using FineTune.Build.Diagnostics;
using FineTune.Build.Sources;

namespace FineTune.Build.Compilation;

/// <summary>
/// Reads the sources once, in order, for a compile that must infer its format or task: every record is counted by
/// the <see cref="DatasetSurvey"/> as it is read and, once <see cref="Spool"/> was called, kept in a
/// <see cref="RecordSpool"/> too. The first records are held (<see cref="Probe"/>) so the plan can be made from them;
/// the compile then takes the held entries and reads on (<see cref="TryRead"/>). When the task was guessed from the
/// probe, <see cref="Diverged"/> turns true as soon as the survey of what was read infers another task, so a wrong
/// guess stops early and the compile replays the spool with the task the whole dataset gives.
/// </summary>
internal sealed class SurveyedReader
{
    private readonly IEnumerator<SurveyEntry> _entries;
    private readonly Queue<SurveyEntry> _held = new();
    private RecordSpool? _spool;
    private volatile bool _abandoned;

    public SurveyedReader(IEnumerable<SourceFile> sources, DiagnosticCollector target)
    {
        _entries = Read(sources, DiagnosticCollector.Deferred(target)).GetEnumerator();
    }

    public DatasetSurvey Survey { get; } = new();

    /// <summary>Every source has been read to its end.</summary>
    public bool Finished { get; private set; }

    /// <summary>The task the compile guessed from the probe, or null when nothing was guessed.</summary>
    public DatasetTask? Guess { get; set; }

    /// <summary>
    /// The guess no longer holds: the survey of what was read infers another task, or the compile gave up on it
    /// (<see cref="Abandon"/>). Stays true.
    /// </summary>
    public bool Diverged => _abandoned;

    /// <summary>Gives up the guess (any thread): for example, when holding the guessed compile's diagnostics would cost too much.</summary>
    public void Abandon() => _abandoned = true;

    /// <summary>Reads and holds entries until <paramref name="records"/> records were read or the sources end.</summary>
    public void Probe(int records)
    {
        var read = 0;
        while (read < records && Next() is { } entry)
        {
            _held.Enqueue(entry);
            read += entry.Record is null ? 0 : 1;
        }
    }

    /// <summary>Keeps every entry in <paramref name="spool"/> from now on, the held ones first, so the compile can start over.</summary>
    public void Spool(RecordSpool spool)
    {
        foreach (var entry in _held)
        {
            Add(spool, entry);
        }

        _spool = spool;
    }

    /// <summary>The next entry: a held one, else the next one read; false at the end of the sources.</summary>
    public bool TryRead(out SurveyEntry entry)
    {
        if (_held.TryDequeue(out entry))
        {
            return true;
        }

        if (Next() is { } next)
        {
            entry = next;
            return true;
        }

        return false;
    }

    /// <summary>Reads to the end of the sources (counting and spooling), dropping what was held.</summary>
    public void Drain()
    {
        _held.Clear();
        while (Next() is not null)
        {
        }
    }

    private SurveyEntry? Next()
    {
        if (Finished || !_entries.MoveNext())
        {
            Finished = Survey.Complete = true;
            return null;
        }

        var entry = _entries.Current;
        if (_spool is not null)
        {
            Add(_spool, entry);
        }

        if (entry.Record is { } record)
        {
            Survey.Add(record.Node);
            if (Guess is { } guess && !_abandoned && Survey.InferredTask != guess)
            {
                _abandoned = true;
            }
        }

        return entry;
    }

    private static void Add(RecordSpool spool, SurveyEntry entry)
    {
        spool.AddDiagnostics(entry.Diagnostics);
        if (entry.Record is { } record)
        {
            spool.AddRecord(record);
        }

        if (entry.EndOfSource)
        {
            spool.EndSource();
        }
    }

    private static IEnumerable<SurveyEntry> Read(IEnumerable<SourceFile> sources, DiagnosticCollector held)
    {
        foreach (var source in sources)
        {
            foreach (var record in SourceReaders.Read(source, held))
            {
                yield return new SurveyEntry(held.TakePending(), record, EndOfSource: false);
            }

            yield return new SurveyEntry(held.TakePending(), null, EndOfSource: true);
        }
    }
}
