using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using FineTune.Build.Diagnostics;
using FineTune.Build.Examples;
using FineTune.Build.Models;
using FineTune.Build.Output;
using FineTune.Build.Reports;
using FineTune.Build.Rules;
using FineTune.Build.Sources;
using FineTune.Build.Tokens;

namespace FineTune.Build.Compilation;

/// <summary>
/// Compiles dataset sources into the JSONL a fine-tuning API accepts. Examples stream through in batches: read and
/// bound in order, checked and counted in parallel (one tokenizer per worker), then checked against the dataset,
/// split and written in order. Memory is bounded by the batch, not the dataset. Outputs are written under
/// temporary names and moved into place only when the compile has no error; a failed compile deletes the previous
/// outputs, so nothing stale looks fresh. The reports are written either way.
/// </summary>
public sealed class DatasetCompiler
{
    private const int BatchSize = 512;

    /// <summary>The seed's minimum for conditional generation, and for each class of a classifier.</summary>
    public const int GenerationMinimum = 500;

    public const int ClassMinimum = 100;

    private readonly IExampleRule[] _exampleRules;
    private readonly CompileOptions _options;
    private readonly DiagnosticCollector _diagnostics;

    public DatasetCompiler(CompileOptions options, DiagnosticCollector diagnostics)
    {
        _options = options;
        _diagnostics = diagnostics;
        _exampleRules = [new ChatStructureRule(), new ReservedTokenRule(), new SecretRule(options.AllowedSecrets), new TokenLimitRule()];
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

        // What must be known before writing: the model, the format and the task.
        var lookup = ModelResolution.Resolve(_options, _diagnostics);
        var format = ModelResolution.FormatFor(_options, lookup);
        DatasetSurvey? survey = null;
        if (format is null || _options.Task is null)
        {
            survey = DatasetSurvey.Run(_options.Sources);
            format ??= survey.FirstFormat ?? DatasetFormat.Chat;
        }

        ModelResolution.CheckSupport(_options, lookup, format.Value, _diagnostics);
        var task = _options.Task ?? survey!.InferredTask;
        var isClassification = task == DatasetTask.Classification;
        var fraction = _options.ValidationFraction ?? (isClassification ? 0.2 : 0.0);
        var model = lookup.Entry;
        var modelName = string.IsNullOrWhiteSpace(_options.BaseModel) ? "the default model" : _options.BaseModel!;
        var report = new DatasetReport
        {
            Dataset = _options.DatasetName,
            BaseModel = _options.BaseModel,
            ModelEntry = model.Name,
            ModelKnown = lookup.IsKnown,
            Format = format.Value.Name(),
            Task = isClassification ? "classification" : "generation",
            Tokenizer = model.Tokenizer,
            MaxExampleTokens = model.MaxExampleTokens,
            ValidationFraction = fraction,
            SplitSeed = _options.SplitSeed,
            BaseDirectory = _options.ProjectDirectory ?? Path.GetDirectoryName(_options.ProjectFile) ?? _options.OutputDirectory,
        };

        var split = new SplitAssigner(fraction, _options.SplitSeed);
        var binder = new ExampleBinder(_diagnostics);
        var formatting = new CompletionFormattingRules(_options.Formatting, _diagnostics);
        var datasetRules = new DatasetRules(_diagnostics, isClassification);
        var classFirstSeen = new Dictionary<string, (string File, int Line, int Column)>(StringComparer.Ordinal);

        using var trainFile = new AtomicFile(TrainPath);
        using var validationFile = new AtomicFile(ValidationPath);
        using var train = new OutputChannel(trainFile, SourceMapPath("train"));
        using var validation = new OutputChannel(validationFile, SourceMapPath("validation"));
        var batch = new List<Pending>(BatchSize);

        // Tokenizers are lent to the workers and taken back, so each stays warm (its cache of words) across batches
        // whatever thread runs it; a tokenizer per thread went cold whenever the pool changed threads.
        var counters = new System.Collections.Concurrent.ConcurrentBag<TokenCounter>();
        foreach (var source in _options.Sources)
        {
            var stats = new SourceStatistics { Path = report.Relative(source.Path) };
            report.Sources.Add(stats);
            var counts = new CompletionFormattingRules.AppendCounts();
            (int Line, int Column)? firstFixed = null;
            foreach (var record in SourceReaders.Read(source, _diagnostics))
            {
                var example = binder.Bind(source, record, format.Value);
                if (example is null)
                {
                    continue;
                }

                // The identity is taken before any fix, so changing the separator never reshuffles the split. Only
                // the completion format is ever fixed; otherwise the output bytes are the identity (saves a write).
                var identity = example.Id is { } id ? Encoding.UTF8.GetBytes("id:" + id)
                    : format == DatasetFormat.Completion ? CanonicalJsonWriter.ToBytes(example.Body)
                    : null;
                if (format == DatasetFormat.Completion)
                {
                    var before = counts.Total;
                    formatting.Apply(example, isClassification, counts);
                    if (counts.Total > before)
                    {
                        firstFixed ??= (example.Line, example.Column);
                    }
                }

                batch.Add(new Pending(example, identity, stats));
                if (batch.Count == BatchSize)
                {
                    Flush();
                }
            }

            Flush();
            if (firstFixed is { } at)
            {
                formatting.ReportAppended(source.Path, at.Line, at.Column, counts);
            }
        }

        CheckDataset(report, isClassification, classFirstSeen, lookup);
        EstimateCost(report, model);

        var succeeded = !_diagnostics.HasErrors;
        if (succeeded)
        {
            train.Commit();
            report.Outputs.Add(Describe("train", TrainPath, report.TrainTokens));
            if (report.ValidationTokens.Examples > 0)
            {
                validation.Commit();
                report.Outputs.Add(Describe("validation", ValidationPath, report.ValidationTokens));
            }
            else
            {
                Delete(ValidationPath);
                Delete(SourceMapPath("validation"));
            }
        }
        else
        {
            // The temporary files are deleted on dispose; earlier outputs go too, so no stale file looks fresh.
            Delete(TrainPath);
            Delete(ValidationPath);
            Delete(SourceMapPath("train"));
            Delete(SourceMapPath("validation"));
        }

        report.Succeeded = succeeded;
        FinishReport(report);
        return new CompileResult
        {
            Succeeded = succeeded,
            Format = format.Value,
            Task = task,
            ExampleCount = report.Examples,
            TrainCount = report.TrainTokens.Examples,
            ValidationCount = report.ValidationTokens.Examples,
            ClassCount = isClassification ? report.Classes.Count : 0,
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

            // Per-example rules, token counts, output bytes and split positions: independent, so in parallel.
            Parallel.For(0, batch.Count, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, _options.Parallelism) },
                () => counters.TryTake(out var lent) ? lent : TokenCounter.Create(model.Tokenizer),
                (i, _, counter) =>
            {
                var pending = batch[i];
                var context = new RuleContext(model, modelName, () => counter);
                foreach (var rule in _exampleRules)
                {
                    rule.Check(pending.Example, context);
                }

                pending.Diagnostics = context.Pending.ToArray();
                pending.Waived = context.Waived.ToArray();
                pending.Tokens = context.TokenCount;
                pending.Bytes = CanonicalJsonWriter.ToBytes(pending.Example.Body);
                pending.Validation = split.IsValidation(pending.Identity ?? pending.Bytes, pending.Example.Split);
                if (isClassification)
                {
                    pending.Label = DatasetSurvey.LabelOf(pending.Example.Body);
                }

                return counter;
            },
            counters.Add);

            // Then in source order: report, check against the dataset, write.
            foreach (var pending in batch)
            {
                foreach (var d in pending.Diagnostics)
                {
                    _diagnostics.Report(d.Code, d.Severity, d.File, d.Line, d.Column, d.Message);
                }

                report.WaivedSecrets.AddRange(pending.Waived);
                var example = pending.Example;
                datasetRules.Add(example, pending.Bytes, pending.Validation, pending.Label);
                (pending.Validation ? validation : train).Write(example, pending.Bytes);
                (pending.Validation ? report.ValidationTokens : report.TrainTokens).Add(pending.Tokens);
                pending.Stats.Examples++;
                pending.Stats.Tokens += pending.Tokens;
                if (pending.Validation)
                {
                    pending.Stats.Validation++;
                }
                else
                {
                    pending.Stats.Train++;
                }

                if (pending.Label is { } label && (report.Classes.Count < 1000 || report.Classes.ContainsKey(label.Trim())))
                {
                    var key = label.Trim();
                    if (!report.Classes.TryGetValue(key, out var stats))
                    {
                        stats = new ClassStatistics { Tokens = TokenCounter.ForCurrentThread(model.Tokenizer).CountTokens(label) };
                        report.Classes.Add(key, stats);
                        classFirstSeen[key] = (example.SourcePath, example.Line, example.Column);
                    }

                    if (pending.Validation)
                    {
                        stats.Validation++;
                    }
                    else
                    {
                        stats.Train++;
                    }
                }
            }

            batch.Clear();
        }
    }

    /// <summary>Rules over the counts: the API's minimum, the seed's guidance per task, labels that fit max_tokens=1.</summary>
    private void CheckDataset(DatasetReport report, bool isClassification, Dictionary<string, (string File, int Line, int Column)> classFirstSeen, ModelLookupResult lookup)
    {
        var minimum = lookup.Entry.MinExamples > 0 ? lookup.Entry.MinExamples : 10;
        if (report.TrainTokens.Examples < minimum && !_diagnostics.HasErrors)
        {
            _diagnostics.Report(DiagnosticCodes.TooFewTrainingExamples, _options.ProjectFile, 0, 0,
                $"The training file has {report.TrainTokens.Examples} example(s); the fine-tuning API needs at least {minimum}: add examples{(report.ValidationTokens.Examples > 0 ? " or lower FineTuneValidationFraction" : "")}.");
        }

        if (isClassification)
        {
            foreach (var (label, stats) in report.Classes)
            {
                var (file, line, column) = classFirstSeen[label];
                if (!stats.SingleToken)
                {
                    _diagnostics.Report(DiagnosticCodes.LabelNotSingleToken, file, line, column,
                        $"The label '{label}' is {stats.Tokens} tokens with its leading space, so it cannot be read with max_tokens=1: choose a single-token label (e.g. a short word or a number).");
                }

                if (stats.Total < ClassMinimum)
                {
                    _diagnostics.Report(DiagnosticCodes.FewExamplesPerClass, file, line, column,
                        $"The class '{label}' has {stats.Total} example(s); at least {ClassMinimum} per class are recommended: add examples of it.");
                }
            }
        }
        else if (report.Examples > 0 && report.Examples < GenerationMinimum)
        {
            _diagnostics.Report(DiagnosticCodes.FewGenerationExamples, _options.ProjectFile, 0, 0,
                $"The dataset has {report.Examples} example(s); conditional generation needs at least {GenerationMinimum} to train well: add examples (or set FineTuneTask=classification if it is one).");
        }
    }

    /// <summary>
    /// Billed tokens = epochs x training tokens (each example capped at the model's limit). Without FineTuneEpochs
    /// the epochs are the OpenAI cookbook's estimate of the API default: 3, raised for small and lowered for large
    /// datasets so that epochs x examples stays within 100..25,000.
    /// </summary>
    private void EstimateCost(DatasetReport report, ModelEntry model)
    {
        var n = report.TrainTokens.Examples;
        int epochs;
        if (_options.Epochs is { } set)
        {
            epochs = set;
            report.EpochsSource = "FineTuneEpochs";
        }
        else
        {
            epochs = 3;
            if (n > 0 && n * 3 < 100)
            {
                epochs = Math.Min(25, 100 / n);
            }
            else if (n * 3L > 25_000)
            {
                epochs = Math.Max(1, 25_000 / Math.Max(1, n));
            }
        }

        report.Epochs = epochs;
        report.BilledTokens = epochs * report.TrainTokens.Total;
        report.PricePerMillionTokens = model.TrainingPricePerMillionTokens;
    }

    private void FinishReport(DatasetReport report)
    {
        report.Diagnostics = _diagnostics.Diagnostics;
        report.ErrorCount = _diagnostics.ErrorCount;
        report.WarningCount = _diagnostics.WarningCount;
        report.DiagnosticsNotShown = _diagnostics.NotReportedCount;
        foreach (var source in report.Sources)
        {
            foreach (var d in _diagnostics.Diagnostics)
            {
                if (d.File is not null && report.Relative(d.File) == source.Path)
                {
                    if (d.Severity == DiagnosticSeverity.Error)
                    {
                        source.Errors++;
                    }
                    else if (d.Severity == DiagnosticSeverity.Warning)
                    {
                        source.Warnings++;
                    }
                }
            }
        }

        if (_options.WriteReports)
        {
            ReportWriters.WriteAll(report, OutputPath("report.json"), OutputPath("report.html"), OutputPath("sarif"));
        }
    }

    private static OutputFileInfo Describe(string kind, string path, TokenStatistics tokens)
    {
        using var stream = File.OpenRead(path);
        var hash = Convert.ToHexString(SHA256.HashData(stream)).ToLowerInvariant();
        return new OutputFileInfo(kind, path, tokens.Examples, tokens.Total, stream.Length, hash);
    }

    private static void Delete(string? path)
    {
        if (path is not null && File.Exists(path))
        {
            File.Delete(path);
        }
    }

    /// <summary>One example between reading and writing.</summary>
    private sealed class Pending(Example example, byte[]? identity, SourceStatistics stats)
    {
        public Example Example { get; } = example;

        /// <summary>The split identity, or null when it is the output bytes themselves.</summary>
        public byte[]? Identity { get; } = identity;

        public SourceStatistics Stats { get; } = stats;

        public Diagnostic[] Diagnostics { get; set; } = [];

        public WaivedSecret[] Waived { get; set; } = [];

        public int Tokens { get; set; }

        public byte[] Bytes { get; set; } = [];

        public bool Validation { get; set; }

        public string? Label { get; set; }
    }

    /// <summary>One output JSONL and its source map (output line to source file, line and column).</summary>
    private sealed class OutputChannel : IDisposable
    {
        private readonly AtomicFile _file;
        private readonly AtomicFile? _mapFile;
        private readonly StreamWriter? _map;
        private int _line;
        private bool _committed;

        public OutputChannel(AtomicFile file, string? sourceMapPath)
        {
            _file = file;
            if (sourceMapPath is not null)
            {
                _mapFile = new AtomicFile(sourceMapPath);
                _map = new StreamWriter(_mapFile.Stream, new UTF8Encoding(false)) { NewLine = "\n" };
            }
        }

        public void Write(Example example, byte[] bytes)
        {
            _file.Stream.Write(bytes);
            _file.Stream.WriteByte((byte)'\n');
            _line++;
            _map?.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{_line}\t{example.SourcePath}\t{example.Line}\t{example.Column}"));
        }

        public void Commit()
        {
            _file.Commit();
            if (_map is not null)
            {
                _map.Flush();
                _mapFile!.Commit();
            }

            _committed = true;
        }

        public void Dispose()
        {
            // After a commit the file owns (and has closed) the stream; the writer has nothing left to flush.
            if (!_committed)
            {
                _map?.Dispose();
            }

            _mapFile?.Dispose();
        }
    }
}
