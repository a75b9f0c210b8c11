using System.Collections.Concurrent;
using System.Diagnostics;
using FineTune.Build.Diagnostics;
using FineTune.Build.Examples;
using FineTune.Build.Models;
using FineTune.Build.Output;
using FineTune.Build.Reports;
using FineTune.Build.Rules;
using FineTune.Build.Tokens;

namespace FineTune.Build.Compilation;

/// <summary>
/// Compiles dataset sources into the JSONL a fine-tuning API accepts, through stages with one job each: read,
/// bind and fix in source order (<see cref="ReadStage"/>, <see cref="BindStage"/>, <see cref="FixStage"/>); check,
/// count and split on parallel workers, each with its own warm tokenizer (<see cref="ExampleWorker"/>); then in
/// order the dataset rules (<see cref="DatasetRuleSet"/>), the writer (<see cref="WriteStage"/>) and the report's
/// figures (<see cref="DatasetReportBuilder"/>). Examples stream through in batches, so memory is bounded by the
/// batch, not the dataset. Outputs are moved into place only when the compile has no error; the reports are
/// written either way. A <see cref="CompletionStamp"/> removed first and written last marks the set complete.
/// </summary>
public sealed class DatasetCompiler
{
    /// <summary>
    /// Examples whose diagnostics come out together: those of reading, binding and fixing them first, then those of
    /// the workers and the dataset rules, example by example. This grouping is part of the diagnostics' order.
    /// </summary>
    private const int BatchSize = 512;

    /// <summary>
    /// Examples handed to the workers at a time (a group is four). Short-lived batches die young: at 512, each
    /// outlived a few gen0 collections and was promoted; at 128 the 1 GB CSV compile peaked 40-50 MB lower with
    /// 4 gen2 collections instead of 15-24, and ran no slower (measured 2026-11-30).
    /// </summary>
    private const int WorkBatch = 128;

    /// <summary>The most examples the index is sized for from an estimate (a wrong guess must stay cheap).</summary>
    private const int MaxPresizedExamples = 5_000_000;

    /// <summary>
    /// Batches the reader thread may have queued beyond the one the workers check (bounds memory). One is enough to
    /// keep the workers busy: with four, 1 GB of CSV peaked 15 MB higher (queued examples outlive gen0 and die in
    /// gen2), and 100k examples were no faster (measured 2026-11-30).
    /// </summary>
    private const int QueuedBatches = 1;

    /// <summary>Diagnostics held for one group before the reader waits for the ordered stage instead (bounds memory).</summary>
    private const int MaxHeldDiagnostics = 4096;

    /// <summary>
    /// Diagnostics a compile with a guessed task holds until the whole dataset confirms the guess; past this many
    /// (a dataset with a problem in most examples) it gives up the guess and replays the spool with the inferred task.
    /// </summary>
    private const int MaxSpeculativeDiagnostics = DiagnosticCollector.KeptLimit;

    /// <summary>
    /// Memory a spool kept only in case a guess fails may use before its file: it is written, and read back only
    /// after a wrong guess, so memory would not buy speed (16 MB of it was the first 20 MB of an inferred 1 GB build's
    /// peak, above a build with the task set).
    /// </summary>
    private const int GuessSpoolMemory = 1 << 20;

    private readonly CompileOptions _options;
    private readonly DiagnosticCollector _diagnostics;
    private RecordSpool? _spool;
    private SurveyedReader? _reader;
    private long? _sourceBytes;

    public DatasetCompiler(CompileOptions options, DiagnosticCollector diagnostics)
    {
        _options = options;
        _diagnostics = diagnostics;
    }

    /// <summary>The last compile guessed its task from the first records, the guess failed, and it replayed the spool.</summary>
    internal bool StartedOver { get; private set; }

    public string TrainPath => OutputPath("train.jsonl");

    public string ValidationPath => OutputPath("validation.jsonl");

    public string OutputPath(string suffix) => Path.Combine(_options.OutputDirectory, $"{_options.DatasetName}.{suffix}");

    public string? SourceMapPath(string kind)
        => _options.IntermediateDirectory is null ? null : Path.Combine(_options.IntermediateDirectory, $"{_options.DatasetName}.{kind}.sourcemap.tsv");

    public CompileResult Compile()
    {
        try
        {
            return CompileSources();
        }
        finally
        {
            _spool?.Dispose();
            _spool = null;
            _reader = null;
            _sourceBytes = null;
        }
    }

    /// <summary>The sources' size in bytes, asked of the file system once per compile (a dataset may have thousands of files).</summary>
    private long SourceBytes => _sourceBytes ??= _options.Sources.Sum(s => ProgressReporter.SizeOf(s.Path));

    // A spool is about as large as its sources (text as UTF-8, plus each node's kind and location).
    private RecordSpool NewSpool(long memoryBudget = RecordSpool.DefaultMemoryBudget)
        => new(_options.IntermediateDirectory ?? _options.OutputDirectory, _options.DatasetName, memoryBudget, expectedBytes: SourceBytes * 5 / 4);

    /// <summary>
    /// The reading pass when format or task must be inferred: the first records are read and held, and decide the
    /// format (the first example's). Then either the sources are all read already, or the task is set and the compile
    /// reads on from where the survey stopped, or the task is guessed from those records and the compile goes on with
    /// the guess while every record is also spooled and surveyed, so a wrong guess costs a replay, not a second read.
    /// Called again after a wrong guess: the rest is read, and the whole dataset decides.
    /// </summary>
    private DatasetSurvey SurveyForPlan()
    {
        if (_reader is { } started)
        {
            started.Drain();
            return started.Survey;
        }

        var start = Stopwatch.GetTimestamp();
        var reader = _reader = new SurveyedReader(_options.Sources, _diagnostics);
        reader.Probe(_options.ProbeRecords);
        if (!reader.Finished)
        {
            if (reader.Survey.FirstFormat is null)
            {
                // No example among the first records to take the format from: survey it all, spooled.
                reader.Spool(_spool = NewSpool());
                reader.Drain();
            }
            else if (_options.Task is null)
            {
                reader.Spool(_spool = NewSpool(GuessSpoolMemory));
                reader.Guess = reader.Survey.InferredTask;
            }
        }

        _options.Timings?.Add(CompileStage.Survey, start);
        return reader.Survey;
    }

    /// <summary>Loads the vocabulary on the pool while the sources are read (the first worker would wait for it).</summary>
    private static void PreloadTokenizer(ModelEntry model)
        => Task.Run(() =>
        {
            try
            {
                TokenCounter.Create(model.Tokenizer);
            }
            catch (ArgumentException)
            {
                // An unknown encoding: the workers report it when they ask for it.
            }
        });

    private CompileResult CompileSources()
    {
        if (_options.Sources.Count == 0)
        {
            _diagnostics.Report(DiagnosticCodes.NoSources, _options.ProjectFile, 0, 0,
                "The project has no FineTuneSource items: add .yaml, .csv, .tsv or .jsonl files beside the project, or FineTuneSource items.");
        }

        StartedOver = false;

        // The plan's own diagnostics are held until it is known whether the task was guessed.
        var held = DiagnosticCollector.Deferred(_diagnostics);
        var plan = CompilePlan.Resolve(_options, held, SurveyForPlan, PreloadTokenizer);
        if (_reader?.Guess is null)
        {
            _diagnostics.ReportAll(held.TakePending());
            return CompileWith(plan, _diagnostics)!;
        }

        // Compiled with the guess, the diagnostics held until the whole dataset confirms it; else start over from the
        // spool with the task the whole dataset gives.
        if (CompileWith(plan, held) is { } guessed)
        {
            return guessed;
        }

        _reader.Guess = null;
        StartedOver = true;
        plan = CompilePlan.Resolve(_options, _diagnostics, SurveyForPlan, PreloadTokenizer);
        return CompileWith(plan, _diagnostics)!;
    }

    /// <summary>
    /// Compiles with <paramref name="plan"/>, reporting to <paramref name="diagnostics"/>. With a guessed task
    /// (<see cref="SurveyedReader.Guess"/>), <paramref name="diagnostics"/> holds them: returns null without writing
    /// anything when the guess failed, or reports them on and finishes when the whole dataset confirmed it.
    /// </summary>
    private CompileResult? CompileWith(CompilePlan plan, DiagnosticCollector diagnostics)
    {
        var guessed = _reader?.Guess is not null ? _reader : null;
        var model = plan.Model;
        var report = new DatasetReport
        {
            Dataset = _options.DatasetName,
            BaseModel = _options.BaseModel,
            ModelEntry = model.Name,
            ModelKnown = plan.Lookup.IsKnown,
            Format = plan.Format.Name(),
            Task = plan.Task switch
            {
                DatasetTask.Classification => "classification",
                DatasetTask.OpenEndedGeneration => "open-ended generation",
                _ => "generation",
            },
            Tokenizer = model.Tokenizer,
            MaxExampleTokens = model.MaxExampleTokens,
            ValidationFraction = plan.ValidationFraction,
            SplitSeed = _options.SplitSeed,
            ProjectFile = _options.ProjectFile,
            BaseDirectory = _options.ProjectDirectory ?? Path.GetDirectoryName(_options.ProjectFile) ?? _options.OutputDirectory,
        };
        var figures = new DatasetReportBuilder(report, label => TokenCounter.ForCurrentThread(model.Tokenizer).CountTokens(label));

        // Read, bind and fix run on their own thread, a batch or two ahead of the workers and the ordered stage; what
        // they report is held per group and reported in order, so the diagnostics come out as a one-thread compile's.
        var ahead = DiagnosticCollector.Deferred(diagnostics);
        var read = _reader is null ? new ReadStage(ahead)
            : _spool is not null && _reader.Finished ? new ReadStage(ahead, _spool)
            : new ReadStage(ahead, _reader);
        var bind = new BindStage(ahead, plan.Format, plan.Task == DatasetTask.OpenEndedGeneration);
        var fix = new FixStage(_options.Formatting, ahead, plan.Format, plan.IsClassification, _options.ProjectFile);
        var check = new CheckStage(plan.IsClassification, _options.AllowedSecrets);
        var count = new CountStage();
        var split = new SplitStage(new SplitAssigner(plan.ValidationFraction, _options.SplitSeed));
        // The workers' and the dataset rules' diagnostics, held until their group's reader diagnostics are reported.
        var behind = DiagnosticCollector.Deferred(diagnostics);
        var grouped = 0;
        var ruleContext = new DatasetRuleContext(
            behind, plan.IsClassification, report, model.MinExamples > 0 ? model.MinExamples : 10, _options.ProjectFile, plan.ExpectedExamples);
        var datasetRules = new DatasetRuleSet(ruleContext);
        var sized = plan.ExpectedExamples > 0;
        // The stamp goes before anything is written and comes back after everything, so a kill leaves no stamp.
        var stamp = new CompletionStamp(_options.OutputDirectory, _options.IntermediateDirectory, _options.DatasetName);
        stamp.Begin(inUse: _spool?.FilePath);
        using var write = new WriteStage(TrainPath, ValidationPath, SourceMapPath("train"), SourceMapPath("validation"));

        // Workers are lent out and taken back, so each tokenizer stays warm (its cache of words) across batches
        // whatever thread runs it; a tokenizer per thread went cold whenever the pool changed threads.
        var workers = new ConcurrentBag<ExampleWorker>();
        var blocks = new OutputBlocks();
        var timings = _options.Timings;
        var progress = new ProgressReporter(_options.Progress, _options.Sources.Select(s => s.Path));
        using var pipeline = new CompilePipeline(QueuedBatches);
        var reader = pipeline.StartProducer(Produce);
        try
        {
            // The workers check batch k+1 while this thread reports and writes batch k. When nothing is queued, batch
            // k is finished first: the reader may be waiting for this stage to be idle.
            (CompileSegment Segment, Task Workers)? previous = null;
            while (true)
            {
                if (!pipeline.TryTake(out var segment))
                {
                    Finish(previous);
                    previous = null;
                    if (!pipeline.Take(out segment))
                    {
                        break;
                    }
                }

                var next = (segment!, StartWorkers(segment!));
                Finish(previous);
                previous = next;
            }

            Finish(previous);
        }
        finally
        {
            pipeline.Stop();
        }

        reader.GetAwaiter().GetResult();

        datasetRules.Finish();
        diagnostics.ReportAll(behind.TakePending());
        if (guessed is not null)
        {
            if (guessed.Diverged || guessed.Survey.InferredTask != plan.Task)
            {
                return null;
            }

            _diagnostics.ReportAll(diagnostics.TakePending());
        }

        CostEstimator.Estimate(report, _options.Epochs, model);

        var succeeded = !_diagnostics.HasErrors;
        if (succeeded)
        {
            write.Commit(report);
        }
        else
        {
            write.Abandon();
        }

        figures.Finish(_diagnostics, succeeded);
        if (_options.WriteReports)
        {
            ReportWriters.WriteAll(report, OutputPath("report.json"), OutputPath("report.html"), OutputPath("sarif"));
        }

        if (succeeded)
        {
            stamp.Complete(report.Outputs);
        }

        return new CompileResult
        {
            Succeeded = succeeded,
            Format = plan.Format,
            Task = plan.Task,
            ExampleCount = report.Examples,
            TrainCount = report.TrainTokens.Examples,
            ValidationCount = report.ValidationTokens.Examples,
            ClassCount = plan.IsClassification ? report.Classes.Count : 0,
            TrainPath = TrainPath,
            ValidationPath = succeeded && report.ValidationTokens.Examples > 0 ? ValidationPath : null,
            OutputFiles = succeeded ? report.Outputs.Select(o => OutputPath(o.Kind + ".jsonl")).ToList() : [],
            Report = report,
        };

        void Produce()
        {
            foreach (var source in _options.Sources)
            {
                var segment = new CompileSegment { Begins = (source.Path, figures.NewSource(source.Path)) };
                var statistics = segment.Begins.Value.Statistics;
                fix.BeginSource();
                using (var records = read.Read(source).GetEnumerator())
                {
                    var start = Stopwatch.GetTimestamp();
                    while (records.MoveNext())
                    {
                        if (guessed is { Diverged: true })
                        {
                            // The guess failed: read on only to finish the survey and the spool.
                            guessed.Drain();
                            return;
                        }

                        var record = records.Current;
                        start = timings?.Add(CompileStage.Read, start) ?? start;
                        var item = bind.Bind(source, record, statistics);
                        start = timings?.Add(CompileStage.Bind, start) ?? start;
                        if (item is not null)
                        {
                            fix.Fix(item.Example);
                            start = timings?.Add(CompileStage.Fix, start) ?? start;
                            segment.Items.Add(item);
                        }

                        if (item is not null && ++grouped == BatchSize)
                        {
                            Push(segment, endsGroup: true);
                            segment = new CompileSegment();
                            start = Stopwatch.GetTimestamp();
                        }
                        else if (segment.Items.Count == WorkBatch)
                        {
                            Push(segment, endsGroup: false);
                            segment = new CompileSegment();
                            start = Stopwatch.GetTimestamp();
                        }
                        else if (ahead.PendingCount >= MaxHeldDiagnostics)
                        {
                            // A group of mostly bad records: rather than hold their diagnostics, wait for the ordered
                            // stage to finish what was queued and report straight through until this group goes.
                            pipeline.WaitUntilIdle();
                            ahead.PassThrough = true;
                        }
                    }
                }

                Push(segment, endsGroup: true);
                fix.EndSource(source);
                Push(new CompileSegment(), endsGroup: true);
            }
        }

        // A group's reader diagnostics go with its last segment; until then they wait here (or, passed through, are
        // already reported), and the ordered stage holds the workers' ones of the group's earlier segments.
        void Push(CompileSegment segment, bool endsGroup)
        {
            if (endsGroup)
            {
                ahead.PassThrough = false;
                segment.Diagnostics = ahead.TakePending();
                segment.EndsGroup = true;
                grouped = 0;
            }

            pipeline.Add(segment);
        }

        // Check, count and split are independent per example, so in parallel.
        Task StartWorkers(CompileSegment segment)
            => segment.Items.Count == 0 ? Task.CompletedTask : Task.Run(() => Parallel.For(0, segment.Items.Count, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, _options.Parallelism) },
                () => workers.TryTake(out var lent) ? lent : new ExampleWorker(plan, check, count, split, blocks, timings),
                (i, _, worker) =>
                {
                    worker.Process(segment.Items[i]);
                    return worker;
                },
                worker =>
                {
                    worker.Arena!.HandOver(segment.OutputBlocks);
                    workers.Add(worker);
                }));

        // In source order: for each example the dataset rules, the write and the figures; at a group's end, what the
        // reader thread reported for the group, then the workers' and the rules' diagnostics held meanwhile.
        void Finish((CompileSegment Segment, Task Workers)? done)
        {
            if (done is not { } finished)
            {
                return;
            }

            var segment = finished.Segment;
            var wasted = guessed is { Diverged: true };
            if (segment.Begins is { } begins && !wasted)
            {
                figures.AddSource(begins.Statistics);
                progress.BeginSource(begins.Path);
            }

            finished.Workers.GetAwaiter().GetResult();
            if (!wasted)
            {
                Write(segment.Items);
                if (segment.EndsGroup)
                {
                    diagnostics.ReportAll(segment.Diagnostics);
                    diagnostics.ReportAll(behind.TakePending());
                }
            }

            if (guessed is not null && diagnostics.PendingCount > MaxSpeculativeDiagnostics)
            {
                guessed.Abandon();
            }

            blocks.Return(segment.OutputBlocks);
            pipeline.Done();
        }

        void Write(List<CompiledExample> batch)
        {
            if (batch.Count == 0)
            {
                return;
            }

            if (!sized && batch.Count == WorkBatch)
            {
                // Without a survey, the first full batch's output size gives an estimate of the count, so the index
                // is sized about once instead of doubling its way up (see ExampleIndex).
                sized = true;
                var perExample = Math.Max(1.0, batch.Sum(i => i.Bytes.Length + 1) / (double)batch.Count);
                ruleContext.Index.EnsureCapacity((int)Math.Min(SourceBytes / perExample * 1.1, MaxPresizedExamples));
            }

            var start = Stopwatch.GetTimestamp();
            foreach (var item in batch)
            {
                foreach (var d in item.Diagnostics)
                {
                    behind.Report(d.Code, d.Severity, d.File, d.Line, d.Column, d.Message);
                }

                report.WaivedSecrets.AddRange(item.Waived);
                if (item.Example.HasBindErrors)
                {
                    // Checked for its other errors, but not a whole example: no dataset rule, output or figure.
                    continue;
                }

                datasetRules.Check(item.Entry!);
                write.Write(item);
                figures.Add(item.Entry!.Location, item.Source, item.Tokens, item.Validation, item.Label);
                progress.Add(item.Bytes.Length + 1);
            }

            timings?.Add(CompileStage.Write, start);
            progress.Report();
        }
    }
}
