using System.Collections.Concurrent;
using System.Diagnostics;
using FineTune.Build.Diagnostics;
using FineTune.Build.Examples;
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
    /// Examples bound before the workers check them. Diagnostics of the bind and fix stages come out a batch ahead
    /// of the workers' ones, so this size is part of the diagnostics' order.
    /// </summary>
    private const int BatchSize = 512;

    private readonly CompileOptions _options;
    private readonly DiagnosticCollector _diagnostics;

    public DatasetCompiler(CompileOptions options, DiagnosticCollector diagnostics)
    {
        _options = options;
        _diagnostics = diagnostics;
    }

    public string TrainPath => OutputPath("train.jsonl");

    public string ValidationPath => OutputPath("validation.jsonl");

    public string OutputPath(string suffix) => Path.Combine(_options.OutputDirectory, $"{_options.DatasetName}.{suffix}");

    public string? SourceMapPath(string kind)
        => _options.IntermediateDirectory is null ? null : Path.Combine(_options.IntermediateDirectory, $"{_options.DatasetName}.{kind}.sourcemap.tsv");

    public CompileResult Compile()
    {
        if (_options.Sources.Count == 0)
        {
            _diagnostics.Report(DiagnosticCodes.NoSources, _options.ProjectFile, 0, 0,
                "The project has no FineTuneSource items: add .yaml, .csv, .tsv or .jsonl files beside the project, or FineTuneSource items.");
        }

        var plan = CompilePlan.Resolve(_options, _diagnostics);
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

        var read = new ReadStage(_diagnostics);
        var bind = new BindStage(_diagnostics, plan.Format, plan.Task == DatasetTask.OpenEndedGeneration);
        var fix = new FixStage(_options.Formatting, _diagnostics, plan.Format, plan.IsClassification, _options.ProjectFile);
        var check = new CheckStage(plan.IsClassification, _options.AllowedSecrets);
        var count = new CountStage();
        var split = new SplitStage(new SplitAssigner(plan.ValidationFraction, _options.SplitSeed));
        var datasetRules = new DatasetRuleSet(new DatasetRuleContext(
            _diagnostics, plan.IsClassification, report, model.MinExamples > 0 ? model.MinExamples : 10, _options.ProjectFile));
        // The stamp goes before anything is written and comes back after everything, so a kill leaves no stamp.
        var stamp = new CompletionStamp(_options.OutputDirectory, _options.IntermediateDirectory, _options.DatasetName);
        stamp.Begin();
        using var write = new WriteStage(TrainPath, ValidationPath, SourceMapPath("train"), SourceMapPath("validation"));

        // Workers are lent out and taken back, so each tokenizer stays warm (its cache of words) across batches
        // whatever thread runs it; a tokenizer per thread went cold whenever the pool changed threads.
        var workers = new ConcurrentBag<ExampleWorker>();
        var batch = new List<CompiledExample>(BatchSize);
        var timings = _options.Timings;
        var progress = new ProgressReporter(_options.Progress, _options.Sources.Select(s => s.Path));
        foreach (var source in _options.Sources)
        {
            var statistics = figures.AddSource(source.Path);
            progress.BeginSource(source.Path);
            fix.BeginSource();
            using (var records = read.Read(source).GetEnumerator())
            {
                var start = Stopwatch.GetTimestamp();
                while (records.MoveNext())
                {
                    var record = records.Current;
                    start = timings?.Add(CompileStage.Read, start) ?? start;
                    if (bind.Bind(source, record, statistics) is not { } item)
                    {
                        start = timings?.Add(CompileStage.Bind, start) ?? start;
                        continue;
                    }

                    start = timings?.Add(CompileStage.Bind, start) ?? start;
                    fix.Fix(item.Example);
                    start = timings?.Add(CompileStage.Fix, start) ?? start;
                    batch.Add(item);
                    if (batch.Count == BatchSize)
                    {
                        Flush();
                        start = Stopwatch.GetTimestamp();
                    }
                }
            }

            Flush();
            fix.EndSource(source);
        }

        datasetRules.Finish();
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

        void Flush()
        {
            if (batch.Count == 0)
            {
                return;
            }

            // Check, count and split are independent per example, so in parallel.
            Parallel.For(0, batch.Count, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, _options.Parallelism) },
                () => workers.TryTake(out var lent) ? lent : new ExampleWorker(plan, check, count, split, timings),
                (i, _, worker) =>
                {
                    worker.Process(batch[i]);
                    return worker;
                },
                workers.Add);

            // Then in source order: the workers' diagnostics, the dataset rules, the write and the figures.
            var start = Stopwatch.GetTimestamp();
            foreach (var item in batch)
            {
                foreach (var d in item.Diagnostics)
                {
                    _diagnostics.Report(d.Code, d.Severity, d.File, d.Line, d.Column, d.Message);
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
            batch.Clear();
            progress.Report();
        }
    }
}
