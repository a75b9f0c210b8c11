using FineTune.Build.Output;
using FineTune.Build.Reports;

namespace FineTune.Build.Compilation;

/// <summary>
/// Write: each example to the train or validation file (and its source map line), in output order, under
/// temporary names. <see cref="Commit"/> moves the files into place and describes them from the hashes taken while
/// writing; <see cref="Abandon"/> deletes them and any earlier outputs, so nothing stale looks fresh.
/// </summary>
public sealed class WriteStage : IDisposable
{
    private readonly OutputChannel _train;
    private readonly OutputChannel _validation;
    private readonly string? _trainMap;
    private readonly string? _validationMap;

    public WriteStage(string trainPath, string validationPath, string? trainMapPath, string? validationMapPath)
    {
        _train = new OutputChannel(trainPath, trainMapPath);
        _validation = new OutputChannel(validationPath, validationMapPath);
        _trainMap = trainMapPath;
        _validationMap = validationMapPath;
    }

    public void Write(CompiledExample item) => (item.Validation ? _validation : _train).Write(item.Example, item.Bytes.Span);

    /// <summary>Moves the outputs into place (an empty validation file is deleted instead) and lists them in the report.</summary>
    public void Commit(DatasetReport report)
    {
        _train.Commit();
        report.Outputs.Add(Describe("train", _train, report.TrainTokens));
        if (report.ValidationTokens.Examples > 0)
        {
            _validation.Commit();
            report.Outputs.Add(Describe("validation", _validation, report.ValidationTokens));
        }
        else
        {
            Delete(_validation.Path);
            Delete(_validationMap);
        }
    }

    /// <summary>Deletes the outputs of earlier compiles; the temporary files go on dispose.</summary>
    public void Abandon()
    {
        Delete(_train.Path);
        Delete(_validation.Path);
        Delete(_trainMap);
        Delete(_validationMap);
    }

    public void Dispose()
    {
        _validation.Dispose();
        _train.Dispose();
    }

    private static OutputFileInfo Describe(string kind, OutputChannel channel, TokenStatistics tokens)
        => new(kind, channel.Path, tokens.Examples, tokens.Total, channel.Length, channel.Sha256());

    private static void Delete(string? path)
    {
        if (path is not null && File.Exists(path))
        {
            File.Delete(path);
        }
    }
}
