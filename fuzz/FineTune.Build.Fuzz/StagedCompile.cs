using FineTune.Build.Compilation;
using FineTune.Build.Diagnostics;
using FineTune.Build.Examples;
using FineTune.Build.Reports;
using FineTune.Build.Rules;
using FineTune.Build.Tokens;

namespace FineTune.Build.Fuzz;

/// <summary>
/// The compiler's stages in <see cref="DatasetCompiler"/>'s order (plan, read, bind, fix, check, count, split,
/// dataset rules, report figures), without the write, on one thread that keeps its <see cref="ExampleWorker"/>s:
/// creating a worker's tokenizer takes milliseconds, so a fresh <see cref="DatasetCompiler"/> per input would
/// spend its time there. Every 64th input still goes through <see cref="DatasetCompiler"/> itself, writes included.
/// </summary>
public sealed class StagedCompile
{
    private readonly Dictionary<(string Model, string Name, bool Classification, double Fraction), ExampleWorker> _workers = [];

    /// <summary>Runs the stages over <paramref name="options"/>' sources, reporting to <paramref name="diagnostics"/>.</summary>
    public DatasetReport Run(CompileOptions options, DiagnosticCollector diagnostics)
    {
        var plan = CompilePlan.Resolve(options, diagnostics, () => DatasetSurvey.Of(options.Sources));
        var report = new DatasetReport
        {
            Dataset = options.DatasetName,
            BaseModel = options.BaseModel,
            ModelEntry = plan.Model.Name,
            Format = plan.Format.Name(),
            Task = plan.IsClassification ? "classification" : "generation",
            Tokenizer = plan.Model.Tokenizer,
            MaxExampleTokens = plan.Model.MaxExampleTokens,
            ValidationFraction = plan.ValidationFraction,
            BaseDirectory = options.OutputDirectory,
        };
        var figures = new DatasetReportBuilder(report, label => TokenCounter.ForCurrentThread(plan.Model.Tokenizer).CountTokens(label));
        var read = new ReadStage(diagnostics);
        var bind = new BindStage(diagnostics, plan.Format);
        var fix = new FixStage(options.Formatting, diagnostics, plan.Format, plan.IsClassification);
        var datasetRules = new DatasetRuleSet(new DatasetRuleContext(diagnostics, plan.IsClassification, report, 10, options.ProjectFile));
        var key = (plan.Model.Name, plan.ModelName, plan.IsClassification, plan.ValidationFraction);
        if (!_workers.TryGetValue(key, out var worker))
        {
            worker = new ExampleWorker(plan, new CheckStage(plan.IsClassification), new CountStage(), new SplitStage(new SplitAssigner(plan.ValidationFraction, options.SplitSeed)));
            _workers[key] = worker;
        }

        foreach (var source in options.Sources)
        {
            var statistics = figures.AddSource(source.Path);
            fix.BeginSource();
            foreach (var record in read.Read(source))
            {
                if (bind.Bind(source, record, statistics) is not { } item)
                {
                    continue;
                }

                fix.Fix(item.Example);
                worker.Process(item);
                foreach (var d in item.Diagnostics)
                {
                    diagnostics.Report(d.Code, d.Severity, d.File, d.Line, d.Column, d.Message);
                }

                datasetRules.Check(item.Entry!);
                figures.Add(item.Entry!.Location, item.Source, item.Tokens, item.Validation, item.Label);
            }

            fix.EndSource(source);
        }

        datasetRules.Finish();
        CostEstimator.Estimate(report, options.Epochs, plan.Model);
        figures.Finish(diagnostics, !diagnostics.HasErrors);
        return report;
    }
}
