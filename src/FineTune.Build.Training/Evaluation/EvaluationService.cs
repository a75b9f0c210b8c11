using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using FineTune.Build.Diagnostics;
using FineTune.Build.Evaluation;
using FineTune.Build.Reports;

namespace FineTune.Build.Training.Evaluation;

/// <summary>
/// Publish-time evaluation (SPEC 8, docs/evaluation.md): sends the validation examples to the model (classification:
/// max_tokens=1 with the top 5 logprobs; generation: the stop sequence as `stop`; temperature 0), computes the
/// metrics, writes &lt;name&gt;.eval.json and the report's section, and applies the gates. Results are cached in the lock
/// file by model, endpoint, validation-file hash and settings: a re-publish sends no request.
/// </summary>
public static class EvaluationService
{
    /// <summary>FineTuneCompareTo's value for the previous model recorded in the lock file.</summary>
    public const string Previous = "previous";

    public static async Task<EvaluationResult> RunAsync(EvaluationRequest request, ITrainingLog log, DiagnosticCollector diagnostics, CancellationToken cancellationToken = default)
    {
        var apiKey = request.ResolveApiKey();
        var safeLog = new RedactingTrainingLog(log, apiKey, diagnostics);
        var name = request.DatasetName;
        try
        {
            if (request.ValidationFile is null || !File.Exists(request.ValidationFile))
            {
                throw new TrainingException(EvaluationDiagnostics.NoValidationExamples, $"{name}: there is no validation file to evaluate on{(request.ValidationFile is null ? "" : $" ('{request.ValidationFile}' does not exist)")}; set FineTuneValidationFraction (for example 0.2) or add a validation source.");
            }

            var dataset = EvaluationDataset.Load(request.ValidationFile, request.TrainFile, request.StopSequence);
            if (dataset.Examples.Count == 0)
            {
                throw new TrainingException(EvaluationDiagnostics.NoValidationExamples, $"{name}: {Path.GetFileName(request.ValidationFile)} has no examples; set FineTuneValidationFraction (for example 0.2) or add a validation source.", new Location(request.ValidationFile, 0, 0));
            }

            var lockPath = request.ResolvedLockFilePath;
            var model = request.Model ?? LockFile.Load(lockPath).Current(name)?.FineTunedModel;
            if (model is null)
            {
                safeLog.Report(EvaluationDiagnostics.NoModel, null, $"{name}: no fine-tuned model is recorded in {Path.GetFileName(lockPath)} yet; evaluation is skipped. Publish again when the job has succeeded, or set FineTuneEvaluateModel.");
                return new EvaluationResult { Succeeded = !diagnostics.HasErrors };
            }

            var endpoint = request.ResolveEndpoint();
            if (endpoint is not null)
            {
                FineTuningApi.ParseEndpoint(endpoint);
            }

            // A self-hosted server (FineTuneEvaluateEndpoint) often needs no key; the OpenAI API always does.
            var key = apiKey ?? (string.IsNullOrWhiteSpace(request.Endpoint) ? null : "unused");
            if (key is null)
            {
                throw new TrainingException(TrainingDiagnostics.MissingApiKey, TrainingDiagnostics.MissingApiKey.FormatMessage());
            }

            var client = new ServingClient(key, endpoint, m => safeLog.Message(TrainingImportance.Normal, m), request.MaxRetries, request.RetryBaseDelay, request.RetryMaxDelay);
            var run = new Run(request, safeLog, client, dataset, ResolveTask(request, dataset));
            var report = await run.EvaluateCachedAsync(model, cancellationToken).ConfigureAwait(false);

            var compareTo = request.CompareTo?.Trim() is { Length: > 0 } c
                ? (c.Equals(Previous, StringComparison.OrdinalIgnoreCase) ? PreviousModel(LockFile.Load(lockPath), name, model) : c)
                : null;
            if (compareTo is not null && compareTo != model)
            {
                var other = await run.EvaluateCachedAsync(compareTo, cancellationToken).ConfigureAwait(false);
                report.Comparison = new EvaluationComparison(compareTo, other.PrimaryMetric, other.PrimaryValue, request.MaxRegression);
            }
            else if (request.CompareTo is not null && compareTo is null)
            {
                safeLog.Message(TrainingImportance.High, $"{name}: no previous model is recorded in {Path.GetFileName(lockPath)}; nothing to compare with.");
            }

            var evalFile = Write(request, report, safeLog);
            Print(report, safeLog);
            Gate(request, report, evalFile, safeLog);
            return new EvaluationResult { Succeeded = !diagnostics.HasErrors, Report = report, EvalFile = evalFile, Requests = run.Requests };
        }
        catch (TrainingException e)
        {
            safeLog.Report(e);
            return new EvaluationResult { Succeeded = false };
        }
        catch (Exception e) when (e is not OperationCanceledException && ApiErrors.IsApiFailure(e))
        {
            safeLog.Report(ApiErrors.Translate(e, $"{name}: an evaluation request"));
            return new EvaluationResult { Succeeded = false };
        }
    }

    /// <summary>The most recently finished other model of the dataset in the lock file.</summary>
    public static string? PreviousModel(LockFile lockFile, string dataset, string model) =>
        lockFile.Entries(dataset)
            .Select(e => e.Entry)
            .Where(e => e.Status == "succeeded" && e.FineTunedModel is not null && e.FineTunedModel != model)
            .OrderByDescending(e => e.FinishedAt ?? e.CreatedAt ?? "", StringComparer.Ordinal)
            .Select(e => e.FineTunedModel)
            .FirstOrDefault();

    /// <summary>The request's task, else the compile report's, else classification when every answer is one of a few labels.</summary>
    private static string ResolveTask(EvaluationRequest request, EvaluationDataset dataset)
    {
        if (EvaluationSettings.ParseTask(request.Task) is { } task)
        {
            return task;
        }

        if (request.ReportFile is not null && File.Exists(request.ReportFile))
        {
            try
            {
                if (JsonNode.Parse(File.ReadAllText(request.ReportFile))?["task"] is JsonValue v && v.TryGetValue<string>(out var reported) && reported is "classification" or "generation")
                {
                    return reported;
                }
            }
            catch (System.Text.Json.JsonException)
            {
                // An unreadable report: decide from the data.
            }
        }

        return dataset.StopSequence is null && dataset.Labels.Count <= Math.Max(2, dataset.Examples.Count / 4) ? "classification" : "generation";
    }

    private static string Write(EvaluationRequest request, EvaluationReport report, RedactingTrainingLog log)
    {
        var directory = request.OutputDirectory ?? Path.GetDirectoryName(Path.GetFullPath(request.ValidationFile!))!;
        var path = Path.Combine(directory, request.DatasetName + ".eval.json");
        try
        {
            AtomicFile.WriteAllText(path, Encoding.UTF8.GetString(EvaluationJson.Write(report)));
            log.Message(TrainingImportance.Normal, $"Wrote {path}.");
            if (request.HtmlReportFile is { } html && File.Exists(html))
            {
                AtomicFile.WriteAllText(html, HtmlReportWriter.WithEvaluation(File.ReadAllText(html), report));
                log.Message(TrainingImportance.Normal, $"Added the evaluation to {html}.");
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new TrainingException(EvaluationDiagnostics.WriteFailed, $"Cannot write '{path}' or the report: {e.Message}", inner: e);
        }

        return path;
    }

    private static void Print(EvaluationReport report, RedactingTrainingLog log)
    {
        log.Message(TrainingImportance.High, report.SummaryLine());
        if (report.Classification is { } c)
        {
            foreach (var line in ConfusionLines(c))
            {
                log.Message(TrainingImportance.High, "  " + line);
            }
        }
    }

    /// <summary>The confusion matrix as aligned text: rows expected, columns predicted and "other".</summary>
    public static IReadOnlyList<string> ConfusionLines(ClassificationMetrics c)
    {
        var columns = c.Classes.Append(ClassificationMetrics.Other).Select(Show).ToList();
        var first = Math.Max("expected \\ predicted".Length, c.Classes.Select(l => Show(l).Length).DefaultIfEmpty(0).Max());
        var widths = columns.Select((h, i) => Math.Max(h.Length, c.Confusion.Select(r => r[i].ToString(CultureInfo.InvariantCulture).Length).DefaultIfEmpty(1).Max())).ToList();
        var lines = new List<string> { "expected \\ predicted".PadRight(first) + string.Concat(columns.Select((h, i) => "  " + h.PadLeft(widths[i]))) };
        for (var r = 0; r < c.Classes.Count; r++)
        {
            lines.Add(Show(c.Classes[r]).PadRight(first) + string.Concat(c.Confusion[r].Select((n, i) => "  " + n.ToString(CultureInfo.InvariantCulture).PadLeft(widths[i]))));
        }

        return lines;
    }

    /// <summary>Labels often start with a space (" yes"): quote them so the space shows.</summary>
    private static string Show(string label) => label == ClassificationMetrics.Other || label.Trim() == label ? label : $"\"{label}\"";

    private static void Gate(EvaluationRequest request, EvaluationReport report, string evalFile, RedactingTrainingLog log)
    {
        var c = CultureInfo.InvariantCulture;
        var name = request.DatasetName;
        if (report.Classification is { } m && request.MinAccuracy is { } minAccuracy && m.Accuracy < minAccuracy)
        {
            log.Report(EvaluationDiagnostics.BelowMinAccuracy, null, string.Create(c,
                $"{name}: accuracy of {report.Model} is {m.Accuracy:0.####} ({m.Correct}/{m.Examples}), below FineTuneMinAccuracy {minAccuracy:0.####}; see {evalFile}."));
        }

        if (report.Generation is { } g && request.MinExactMatch is { } minExact && g.ExactMatch < minExact)
        {
            log.Report(EvaluationDiagnostics.BelowMinExactMatch, null, string.Create(c,
                $"{name}: exact match of {report.Model} is {g.ExactMatch:0.####} ({g.ExactMatches}/{g.Examples}), below FineTuneMinExactMatch {minExact:0.####}; see {evalFile}."));
        }

        if (report.Comparison is { } cmp && report.PrimaryValue < cmp.Value - request.MaxRegression - 1e-12)
        {
            log.Report(EvaluationDiagnostics.Regression, null, string.Create(c,
                $"{name}: {report.PrimaryMetric} of {report.Model} is {report.PrimaryValue:0.####}, worse than {cmp.Model}'s {cmp.Value:0.####} on the same {report.Examples} example(s) by {cmp.Value - report.PrimaryValue:0.####}, more than FineTuneMaxRegression {request.MaxRegression:0.####}; see {evalFile}."));
        }
    }

    /// <summary>One evaluation run: the cache, the requests and their bounded concurrency.</summary>
    private sealed class Run(EvaluationRequest request, RedactingTrainingLog log, ServingClient client, EvaluationDataset dataset, string task)
    {
        private int _requests;

        public int Requests => _requests;

        private string CacheKey(string model)
        {
            var text = string.Join("\n", "v1", model, client.EndpointDisplay, dataset.ValidationSha256, task,
                request.Limit?.ToString(CultureInfo.InvariantCulture) ?? "all", request.MaxTokens.ToString(CultureInfo.InvariantCulture), dataset.StopSequence ?? "");
            return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text))).ToLowerInvariant()[..16];
        }

        public async Task<EvaluationReport> EvaluateCachedAsync(string model, CancellationToken ct)
        {
            var lockPath = request.ResolvedLockFilePath;
            var key = CacheKey(model);
            if (LockFile.Load(lockPath).FindEvaluation(request.DatasetName, key) is { } cached && cached["result"] is JsonObject result
                && EvaluationJson.Read(result) is { } hit && hit.Model == model && hit.ValidationSha256 == dataset.ValidationSha256)
            {
                log.Message(TrainingImportance.High, $"{request.DatasetName}: evaluation of {model} on this validation file is recorded in {Path.GetFileName(lockPath)}; no request sent.");
                return hit;
            }

            var report = await EvaluateAsync(model, ct).ConfigureAwait(false);
            using (await ProjectLock.AcquireAsync(lockPath, TimeSpan.FromMinutes(10), m => log.Message(TrainingImportance.High, m), ct).ConfigureAwait(false))
            {
                var lockFile = LockFile.Load(lockPath);
                lockFile.SetEvaluation(request.DatasetName, key, new JsonObject
                {
                    ["model"] = model,
                    ["endpoint"] = client.EndpointDisplay,
                    ["validationSha256"] = dataset.ValidationSha256,
                    ["result"] = EvaluationJson.ToNode(report),
                });
                lockFile.Save(lockPath);
            }

            return report;
        }

        private async Task<EvaluationReport> EvaluateAsync(string model, CancellationToken ct)
        {
            var examples = dataset.Select(request.Limit);
            var matcher = new ClassMatcher(dataset.Labels);
            var outcomes = new ExampleOutcome[examples.Count];
            var done = 0;
            var step = Math.Max(1, examples.Count / 10);
            log.Message(TrainingImportance.High, string.Create(CultureInfo.InvariantCulture,
                $"{request.DatasetName}: evaluating {model} on {examples.Count} of {dataset.Examples.Count} validation example(s) ({task}, {dataset.Format}) at {client.EndpointDisplay}, {request.Parallelism} at a time."));
            using var gate = new SemaphoreSlim(Math.Max(1, request.Parallelism));
            var tasks = examples.Select(async (example, i) =>
            {
                await gate.WaitAsync(ct).ConfigureAwait(false);
                try
                {
                    var answer = await AskAsync(model, example, ct).ConfigureAwait(false);
                    Interlocked.Increment(ref _requests);
                    outcomes[i] = task == "classification"
                        ? new ExampleOutcome
                        {
                            Expected = example.Expected,
                            Answer = answer.TopToken,
                            Predicted = matcher.Match(answer.TopToken),
                            ExpectedProbability = matcher.Probability(answer, example.Expected),
                            OutputTokens = answer.OutputTokens,
                            Stopped = answer.FinishReason == "stop",
                        }
                        : new ExampleOutcome
                        {
                            Expected = example.Expected,
                            Answer = answer.Text,
                            OutputTokens = answer.OutputTokens,
                            Stopped = answer.FinishReason == "stop",
                        };
                }
                finally
                {
                    gate.Release();
                }

                var n = Interlocked.Increment(ref done);
                if (n % step == 0 || n == examples.Count)
                {
                    log.Message(TrainingImportance.Normal, string.Create(CultureInfo.InvariantCulture, $"{request.DatasetName}: evaluated {n}/{examples.Count} example(s) of {model}."));
                }
            }).ToList();
            await Task.WhenAll(tasks).ConfigureAwait(false);

            return new EvaluationReport
            {
                Dataset = request.DatasetName,
                Model = model,
                Task = task,
                Format = dataset.Format,
                Endpoint = client.EndpointDisplay,
                ValidationSha256 = dataset.ValidationSha256,
                ValidationExamples = dataset.Examples.Count,
                Examples = examples.Count,
                Limit = request.Limit,
                Classification = task == "classification" ? ClassificationMetrics.Compute(dataset.Labels, outcomes) : null,
                Generation = task == "generation" ? GenerationMetrics.Compute(outcomes) : null,
            };
        }

        private Task<ModelAnswer> AskAsync(string model, EvaluationExample example, CancellationToken ct)
        {
            var classification = task == "classification";
            if (example.Messages is { } messages)
            {
                var body = new JsonObject { ["model"] = model, ["messages"] = messages.DeepClone(), ["temperature"] = 0 };
                if (classification)
                {
                    body["max_tokens"] = 1;
                    body["logprobs"] = true;
                    body["top_logprobs"] = 5;
                }
                else
                {
                    body["max_tokens"] = request.MaxTokens;
                    if (dataset.StopSequence is { } stop)
                    {
                        body["stop"] = new JsonArray(stop);
                    }
                }

                return client.ChatAsync(model, body, ct);
            }

            var completion = new JsonObject { ["model"] = model, ["prompt"] = example.Prompt, ["temperature"] = 0 };
            if (classification)
            {
                completion["max_tokens"] = 1;
                completion["logprobs"] = 5;
            }
            else
            {
                completion["max_tokens"] = request.MaxTokens;
                if (dataset.StopSequence is { } stop)
                {
                    completion["stop"] = new JsonArray(stop);
                }
            }

            return client.CompleteAsync(completion, ct);
        }
    }
}
