using System.Globalization;
using System.Text;
using FineTune.Build.Diagnostics;
using FineTune.Build.Examples;
using FineTune.Build.Output;
using FineTune.Build.Rules;
using FineTune.Build.Sources;

namespace FineTune.Build.Compilation;

/// <summary>
/// Compiles dataset sources into the JSONL a fine-tuning API accepts. Examples stream through one at a time:
/// read, bind to the format, check and fix, split, write. Outputs are written under temporary names and moved into
/// place only when the whole compile has no error; a failed compile deletes the previous outputs, so nothing stale
/// looks fresh.
/// </summary>
public sealed class DatasetCompiler
{
    private readonly CompileOptions _options;
    private readonly DiagnosticCollector _diagnostics;

    public DatasetCompiler(CompileOptions options, DiagnosticCollector diagnostics)
    {
        _options = options;
        _diagnostics = diagnostics;
    }

    public string TrainPath => Path.Combine(_options.OutputDirectory, _options.DatasetName + ".train.jsonl");

    public string ValidationPath => Path.Combine(_options.OutputDirectory, _options.DatasetName + ".validation.jsonl");

    public string? SourceMapPath(string kind)
        => _options.IntermediateDirectory is null ? null : Path.Combine(_options.IntermediateDirectory, $"{_options.DatasetName}.{kind}.sourcemap.tsv");

    public CompileResult Compile()
    {
        if (_options.Sources.Count == 0)
        {
            _diagnostics.Report(DiagnosticCodes.NoSources, null, 0, 0,
                "The project has no FineTuneSource items: add .yaml, .csv, .tsv or .jsonl files beside the project, or FineTuneSource items.");
        }

        // What must be known before writing: the format (unless set) and the task (unless set).
        var format = _options.Format ?? ModelFormats.For(_options.BaseModel);
        DatasetSurvey? survey = null;
        if (format is null || _options.Task is null)
        {
            survey = DatasetSurvey.Run(_options.Sources);
            format ??= survey.FirstFormat ?? DatasetFormat.Chat;
        }

        var task = _options.Task ?? survey!.InferredTask;
        var fraction = _options.ValidationFraction ?? (task == DatasetTask.Classification ? 0.2 : 0.0);
        var split = new SplitAssigner(fraction, _options.SplitSeed);
        var binder = new ExampleBinder(_diagnostics);
        var formatting = new CompletionFormattingRules(_options.Formatting, _diagnostics);
        var isClassification = task == DatasetTask.Classification;
        var classes = new HashSet<string>(StringComparer.Ordinal);

        int examples = 0, trainCount = 0, validationCount = 0;
        using var trainFile = new AtomicFile(TrainPath);
        using var validationFile = new AtomicFile(ValidationPath);
        using var train = new OutputChannel(trainFile, SourceMapPath("train"));
        using var validation = new OutputChannel(validationFile, SourceMapPath("validation"));
        foreach (var source in _options.Sources)
        {
            var counts = new CompletionFormattingRules.AppendCounts();
            (int Line, int Column)? firstFixed = null;
            foreach (var record in SourceReaders.Read(source, _diagnostics))
            {
                var example = binder.Bind(source, record, format.Value);
                if (example is null)
                {
                    continue;
                }

                examples++;
                var identity = Identity(example);
                if (format == DatasetFormat.Completion)
                {
                    var before = counts.Total;
                    formatting.Apply(example, isClassification, counts);
                    if (counts.Total > before)
                    {
                        firstFixed ??= (example.Line, example.Column);
                    }
                }

                if (isClassification && DatasetSurvey.LabelOf(example.Body) is { } label && classes.Count <= 10_000)
                {
                    classes.Add(label.Trim());
                }

                if (split.IsValidation(identity, example.Split))
                {
                    validationCount++;
                    validation.Write(example);
                }
                else
                {
                    trainCount++;
                    train.Write(example);
                }
            }

            if (firstFixed is { } at)
            {
                formatting.ReportAppended(source.Path, at.Line, at.Column, counts);
            }
        }

        var result = new CompileResult
        {
            Format = format.Value,
            Task = task,
            ExampleCount = examples,
            TrainCount = trainCount,
            ValidationCount = validationCount,
            ClassCount = isClassification ? classes.Count : 0,
            TrainPath = TrainPath,
        };

        if (_diagnostics.HasErrors)
        {
            // The temporary files are deleted on dispose; earlier outputs go too, so no stale file looks fresh.
            DeleteOutputs();
            return Copy(result, succeeded: false, validationPath: null, outputs: []);
        }

        train.Commit();
        var outputs = new List<string> { TrainPath };
        string? validationPath = null;
        if (validationCount > 0)
        {
            validation.Commit();
            validationPath = ValidationPath;
            outputs.Add(ValidationPath);
        }
        else
        {
            Delete(ValidationPath);
            Delete(SourceMapPath("validation"));
        }

        return Copy(result, succeeded: true, validationPath, outputs);
    }

    /// <summary>An example's stable identity for the split: its id, else its canonical content before any fix.</summary>
    private static byte[] Identity(Example example)
        => example.Id is { } id ? Encoding.UTF8.GetBytes("id:" + id) : CanonicalJsonWriter.ToBytes(example.Body);

    private void DeleteOutputs()
    {
        Delete(TrainPath);
        Delete(ValidationPath);
        Delete(SourceMapPath("train"));
        Delete(SourceMapPath("validation"));
    }

    private static void Delete(string? path)
    {
        if (path is not null && File.Exists(path))
        {
            File.Delete(path);
        }
    }

    private static CompileResult Copy(CompileResult result, bool succeeded, string? validationPath, IReadOnlyList<string> outputs) => new()
    {
        Succeeded = succeeded,
        Format = result.Format,
        Task = result.Task,
        ExampleCount = result.ExampleCount,
        TrainCount = result.TrainCount,
        ValidationCount = result.ValidationCount,
        ClassCount = result.ClassCount,
        TrainPath = result.TrainPath,
        ValidationPath = validationPath,
        OutputFiles = outputs,
    };

    /// <summary>One output JSONL and its source map (output line to source file, line and column).</summary>
    private sealed class OutputChannel : IDisposable
    {
        private readonly AtomicFile _file;
        private readonly CanonicalJsonWriter _writer;
        private readonly AtomicFile? _mapFile;
        private readonly StreamWriter? _map;
        private int _line;
        private bool _committed;

        public OutputChannel(AtomicFile file, string? sourceMapPath)
        {
            _file = file;
            _writer = new CanonicalJsonWriter(file.Stream);
            if (sourceMapPath is not null)
            {
                _mapFile = new AtomicFile(sourceMapPath);
                _map = new StreamWriter(_mapFile.Stream, new UTF8Encoding(false)) { NewLine = "\n" };
            }
        }

        public void Write(Example example)
        {
            _writer.WriteLine(example.Body);
            _line++;
            _map?.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{_line}\t{example.SourcePath}\t{example.Line}\t{example.Column}"));
        }

        public void Commit()
        {
            _writer.Flush();
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
            _writer.Dispose();

            // After a commit the file owns (and has closed) the stream; the writer has nothing left to flush.
            if (!_committed)
            {
                _map?.Dispose();
            }

            _mapFile?.Dispose();
        }
    }
}
