using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using FineTune.Build.Diagnostics;
using FineTune.Build.Diffs;
using FineTune.Build.Sources;
using FineTune.Build.Training;
using FineTune.Build.Training.Evaluation;

namespace FineTune.Build.Cli;

/// <summary>
/// `finetune eval` (evaluate a model on the compiled validation file, as publish does with FineTuneEvaluate) and
/// `finetune try` (ask the project's recorded model, as the seed's `openai api completions.create` does). The key
/// comes only from OPENAI_API_KEY (or FINETUNE_EVALUATE_API_KEY with --endpoint) and is redacted from everything printed.
/// Exit codes: 0 done, 1 a gate failed, 2 bad usage or nothing to evaluate, 3 the API refused or could not be reached.
/// </summary>
public static class EvaluationCommands
{
    public static void AddTo(RootCommand root, TextWriter output, TextWriter error, Func<string, string?> environment)
    {
        var project = new Option<string>("--project", "-p") { Description = "The dataset project file or its folder (default: the current folder).", DefaultValueFactory = _ => "." };
        var dataset = new Option<string?>("--dataset", "-d") { Description = "The dataset name (default: the only dataset in the lock file)." };
        var model = new Option<string?>("--model", "-m") { Description = "The model (default: the dataset's current model in finetune.lock.json)." };
        var endpoint = new Option<string?>("--endpoint") { Description = "The serving endpoint (default: OPENAI_BASE_URL, else the OpenAI API)." };
        var validation = new Option<string?>("--validation") { Description = "The compiled validation file (default: bin/*/<dataset>.validation.jsonl)." };
        var limit = new Option<int?>("--limit") { Description = "Evaluate at most this many examples (a stable subset)." };
        var parallelism = new Option<int>("--parallelism") { Description = "Requests at a time (default 4).", DefaultValueFactory = _ => 4 };
        var minAccuracy = new Option<string?>("--min-accuracy") { Description = "Fail (exit 1) below this accuracy (0.85 or 85%)." };
        var minExact = new Option<string?>("--min-exact-match") { Description = "Fail (exit 1) below this exact match." };
        var compareTo = new Option<string?>("--compare-to") { Description = "A model id, or 'previous' (the previous model in the lock file)." };
        var maxRegression = new Option<string?>("--max-regression") { Description = "How much worse than --compare-to is allowed (default 0)." };
        var stop = new Option<string?>("--stop-sequence") { Description = "The stop sequence as trained (default: the project's FineTuneStopSequence, else ' END')." };
        var separator = new Option<string?>("--separator") { Description = "The prompt separator as trained (default: the project's FineTunePromptSeparator, else \\n\\n###\\n\\n)." };
        var task = new Option<string?>("--task") { Description = "classification, generation or auto (default: the compile report's)." };
        var file = new Option<string?>("--file", "-f") { Description = "A file of prompts, one per line." };
        var maxTokens = new Option<int>("--max-tokens") { Description = "max_tokens of a generation (default 256).", DefaultValueFactory = _ => 256 };
        var prompt = new Argument<string?>("prompt") { Description = "The prompt, without the separator (it is added); \\n and \\t are understood.", Arity = ArgumentArity.ZeroOrOne };

        var eval = new Command("eval", "Evaluate a model on the compiled validation examples; prints the metrics and writes <dataset>.eval.json.");
        foreach (var option in new Option[] { project, dataset, model, endpoint, validation, limit, parallelism, minAccuracy, minExact, compareTo, maxRegression, stop, task, maxTokens })
        {
            eval.Options.Add(option);
        }

        eval.SetAction((r, ct) => RunAsync(error, environment, async () =>
        {
            var dir = ProjectDirectory(r.GetValue(project)!);
            var name = DatasetName(dir, r.GetValue(dataset));
            var validationFile = r.GetValue(validation) ?? FindCompiled(dir, name, "validation");
            var settings = ProjectSettings(dir);
            var log = TrainingLogs.Redacting(TrainingLogs.Redacting(new ConsoleLog(output), environment("OPENAI_API_KEY")), environment(EvaluationRequest.ApiKeyVariable));
            var diagnostics = new DiagnosticCollector(sink: d => error.WriteLine(Redact(d.ToString(), environment)));
            var request = new EvaluationRequest
            {
                ProjectDirectory = dir,
                DatasetName = name,
                ValidationFile = validationFile,
                TrainFile = validationFile is null ? null : Path.Combine(Path.GetDirectoryName(validationFile)!, name + ".train.jsonl"),
                ReportFile = validationFile is null ? null : Path.Combine(Path.GetDirectoryName(validationFile)!, name + ".report.json"),
                HtmlReportFile = validationFile is null ? null : Path.Combine(Path.GetDirectoryName(validationFile)!, name + ".report.html"),
                Task = EvaluationSettings.ParseTask(r.GetValue(task)),
                Model = r.GetValue(model),
                StopSequence = EscapeSequences.Unescape(r.GetValue(stop) ?? settings.Stop),
                Endpoint = r.GetValue(endpoint),
                MinAccuracy = EvaluationSettings.ParseFraction("--min-accuracy", r.GetValue(minAccuracy)),
                MinExactMatch = EvaluationSettings.ParseFraction("--min-exact-match", r.GetValue(minExact)),
                CompareTo = r.GetValue(compareTo),
                MaxRegression = EvaluationSettings.ParseFraction("--max-regression", r.GetValue(maxRegression)) ?? 0,
                Limit = r.GetValue(limit),
                Parallelism = Math.Clamp(r.GetValue(parallelism), 1, 64),
                MaxTokens = Math.Max(1, r.GetValue(maxTokens)),
                EnvironmentVariable = environment,
            };
            var result = await EvaluationService.RunAsync(request, log, diagnostics, ct).ConfigureAwait(false);
            if (result.Succeeded)
            {
                return 0;
            }

            return result.Report is not null ? 1 : 3;
        }));

        var tryCommand = new Command("try", "Ask the project's recorded model (with the project's separator and stop sequence) and print the answer.");
        tryCommand.Arguments.Add(prompt);
        foreach (var option in new Option[] { file, project, dataset, model, endpoint, stop, separator, task, maxTokens })
        {
            tryCommand.Options.Add(option);
        }

        tryCommand.SetAction((r, ct) => RunAsync(error, environment, async () =>
        {
            var prompts = r.GetValue(file) is { } path
                ? File.ReadAllLines(path).Where(l => l.Length > 0).Select(EscapeSequences.Unescape).ToList()
                : r.GetValue(prompt) is { } one ? [EscapeSequences.Unescape(one)] : [];
            if (prompts.Count == 0)
            {
                error.WriteLine("finetune try: give a prompt or --file.");
                return 2;
            }

            var dir = ProjectDirectory(r.GetValue(project)!);
            var name = r.GetValue(dataset) ?? (r.GetValue(model) is null ? DatasetName(dir, null) : "");
            var modelId = r.GetValue(model) ?? LockFile.Load(Path.Combine(dir, TrainingRequest.DefaultLockFileName)).Current(name)?.FineTunedModel
                ?? throw new TrainingException(EvaluationDiagnostics.NoModel, $"No fine-tuned model of '{name}' is recorded in {TrainingRequest.DefaultLockFileName}; pass --model.");
            var settings = ProjectSettings(dir);
            var sep = EscapeSequences.Unescape(r.GetValue(separator) ?? settings.Separator);
            var stopSequence = EscapeSequences.Unescape(r.GetValue(stop) ?? settings.Stop);
            var validationFile = name.Length > 0 ? FindCompiled(dir, name, "validation") : null;
            var data = validationFile is not null ? EvaluationDataset.Load(validationFile, Path.Combine(Path.GetDirectoryName(validationFile)!, name + ".train.jsonl"), stopSequence) : null;
            var chat = data?.Format == "chat" || (data is null && !IsCompletionModel(modelId));
            var classification = (EvaluationSettings.ParseTask(r.GetValue(task)) ?? ReportTask(validationFile)) == "classification";
            var matcher = new ClassMatcher(data?.Labels ?? []);
            var endpointValue = r.GetValue(endpoint);
            var key = (string.IsNullOrWhiteSpace(endpointValue) ? null : environment(EvaluationRequest.ApiKeyVariable)) ?? environment("OPENAI_API_KEY")
                ?? (string.IsNullOrWhiteSpace(endpointValue) ? throw new TrainingException(TrainingDiagnostics.MissingApiKey, TrainingDiagnostics.MissingApiKey.FormatMessage()) : "unused");
            var client = new ServingClient(key, string.IsNullOrWhiteSpace(endpointValue) ? NullIfEmpty(environment("OPENAI_BASE_URL")) : endpointValue);
            foreach (var text in prompts)
            {
                var body = new JsonObject { ["model"] = modelId, ["temperature"] = 0 };
                if (classification)
                {
                    body["max_tokens"] = 1;
                }
                else
                {
                    body["max_tokens"] = Math.Max(1, r.GetValue(maxTokens));
                    if (stopSequence.Length > 0 && (data?.StopSequence is not null || data is null))
                    {
                        body["stop"] = new JsonArray(stopSequence);
                    }
                }

                ModelAnswer answer;
                if (chat)
                {
                    body["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = text });
                    if (classification)
                    {
                        body["logprobs"] = true;
                        body["top_logprobs"] = 5;
                    }

                    answer = await client.ChatAsync(modelId, body, ct).ConfigureAwait(false);
                }
                else
                {
                    body["prompt"] = text + sep;
                    if (classification)
                    {
                        body["logprobs"] = 5;
                    }

                    answer = await client.CompleteAsync(body, ct).ConfigureAwait(false);
                }

                if (prompts.Count > 1)
                {
                    output.WriteLine("> " + text);
                }

                if (classification)
                {
                    var predicted = matcher.Match(answer.TopToken);
                    output.WriteLine(predicted is null ? $"{answer.TopToken.Trim()} (not one of the classes)" : predicted.Trim());
                    foreach (var label in matcher.Classes)
                    {
                        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {label.Trim()}: {matcher.Probability(answer, label) ?? 0:0.000}"));
                    }
                }
                else
                {
                    output.WriteLine(answer.Text);
                }
            }

            return 0;
        }));

        root.Subcommands.Add(eval);
        root.Subcommands.Add(tryCommand);
    }

    private static async Task<int> RunAsync(TextWriter error, Func<string, string?> environment, Func<Task<int>> action)
    {
        try
        {
            return await action().ConfigureAwait(false);
        }
        catch (TrainingException e)
        {
            error.WriteLine(Redact($"error {e.Code}: {e.Message}", environment));
            return e.Descriptor == TrainingDiagnostics.MissingApiKey ? 3 : 2;
        }
        catch (Exception e) when (e is System.ClientModel.ClientResultException or HttpRequestException or IOException or FormatException)
        {
            error.WriteLine(Redact("error: " + e.Message.Split('\n')[0], environment));
            return e is IOException or FormatException ? 2 : 3;
        }
    }

    /// <summary>Neither key ever reaches the console.</summary>
    private static string Redact(string text, Func<string, string?> environment) =>
        TrainingLogs.Redact(TrainingLogs.Redact(text, environment("OPENAI_API_KEY")), environment(EvaluationRequest.ApiKeyVariable));

    private static string ProjectDirectory(string project)
    {
        var full = Path.GetFullPath(project);
        return File.Exists(full) ? Path.GetDirectoryName(full)! : full;
    }

    /// <summary>The named dataset, else the only one in the lock file, else the project file's name.</summary>
    private static string DatasetName(string dir, string? dataset)
    {
        if (dataset is not null)
        {
            return dataset;
        }

        var names = LockFile.Load(Path.Combine(dir, TrainingRequest.DefaultLockFileName)).DatasetNames.ToList();
        if (names.Count == 1)
        {
            return names[0];
        }

        var projects = Directory.EnumerateFiles(dir, "*proj").ToList();
        return names.Count == 0 && projects.Count == 1
            ? Path.GetFileNameWithoutExtension(projects[0])
            : throw new TrainingException(TrainingDiagnostics.InvalidLockFile, $"Choose a dataset with --dataset ({(names.Count == 0 ? "none recorded" : string.Join(", ", names))}).");
    }

    /// <summary>The newest bin/**/&lt;name&gt;.&lt;kind&gt;.jsonl outside publish folders.</summary>
    private static string? FindCompiled(string dir, string name, string kind)
    {
        var bin = Path.Combine(dir, "bin");
        return Directory.Exists(bin)
            ? Directory.EnumerateFiles(bin, $"{name}.{kind}.jsonl", SearchOption.AllDirectories)
                .Where(f => !f.Split(Path.DirectorySeparatorChar).Contains("publish"))
                .OrderByDescending(File.GetLastWriteTimeUtc)
                .FirstOrDefault()
            : null;
    }

    private static string? ReportTask(string? validationFile)
    {
        var report = validationFile is null ? null : Path.ChangeExtension(Path.ChangeExtension(validationFile, null), null) + ".report.json";
        try
        {
            return report is not null && File.Exists(report) ? (string?)JsonNode.Parse(File.ReadAllText(report))?["task"] : null;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// FineTunePromptSeparator and FineTuneStopSequence as the project file (or the Directory.Build.props above it)
    /// writes them, read the way `finetune diff` reads a project, else the SDK's defaults.
    /// </summary>
    private static (string Separator, string Stop) ProjectSettings(string dir)
    {
        var file = Directory.Exists(dir) ? Directory.EnumerateFiles(dir, "*proj").OrderBy(f => f, StringComparer.Ordinal).FirstOrDefault() : null;
        ProjectProperties? properties = null;
        try
        {
            properties = file is null ? null : ProjectProperties.Read(file);
        }
        catch (System.Xml.XmlException)
        {
            // Not a project we can read: the defaults.
        }

        return (properties?["FineTunePromptSeparator"] ?? "\\n\\n###\\n\\n", properties?["FineTuneStopSequence"] ?? " END");
    }

    private static bool IsCompletionModel(string model) =>
        model.Contains("babbage-002", StringComparison.Ordinal) || model.Contains("davinci-002", StringComparison.Ordinal);

    private static string? NullIfEmpty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s;

    private sealed class ConsoleLog(TextWriter output) : ITrainingLog
    {
        public void Message(TrainingImportance importance, string text) => output.WriteLine(text);
    }
}
