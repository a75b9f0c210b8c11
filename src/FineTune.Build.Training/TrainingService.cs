using System.ClientModel;
using System.Globalization;
using System.Text.Json.Nodes;
using FineTune.Build.Diagnostics;

namespace FineTune.Build.Training;

/// <summary>
/// Publish-time training (SPEC 7): upload the compiled files, create one job per lock key, follow it, and record
/// everything in finetune.lock.json. Idempotent: a key already recorded uploads nothing and creates nothing.
/// Knows nothing of MSBuild; the task and the CLI are thin callers.
/// </summary>
public static class TrainingService
{
    public const string MetadataDataset = "finetune_dataset";
    public const string MetadataDatasetHash = "finetune_dataset_sha256";
    public const string MetadataLockKey = "finetune_lock_key";
    public const string MetadataSourceRevision = "finetune_source_revision";

    /// <summary>Runs training; progress goes to <paramref name="log"/>, warnings and errors (FT7xxx) to
    /// <paramref name="diagnostics"/>, whose policy applies NoWarn/WarningsAsErrors. A failure gives a result with
    /// Succeeded=false. Cancellation (a killed build) throws OperationCanceledException and leaves any job running.</summary>
    public static async Task<TrainingResult> RunAsync(TrainingRequest request, ITrainingLog log, DiagnosticCollector diagnostics, CancellationToken cancellationToken = default)
    {
        var apiKey = request.ResolveApiKey();
        var safeLog = new RedactingTrainingLog(log, apiKey, diagnostics);
        ApiRun? run = null;
        try
        {
            var trainer = TrainingSettings.ParseTrainer(request.Trainer);
            var method = TrainingSettings.ParseMethod(request.Method);
            if (method != request.Method)
            {
                throw new TrainingException(TrainingDiagnostics.InvalidMethod, TrainingDiagnostics.InvalidMethod.FormatMessage(request.Method));
            }

            if (trainer == "Command")
            {
                return await CommandTrainer.RunAsync(request, safeLog, cancellationToken).ConfigureAwait(false);
            }

            // Checks that need no network come first, so a missing key fails before any request.
            if (apiKey is null)
            {
                throw new TrainingException(TrainingDiagnostics.MissingApiKey, TrainingDiagnostics.MissingApiKey.FormatMessage());
            }

            if (string.IsNullOrWhiteSpace(request.BaseModel))
            {
                throw new TrainingException(TrainingDiagnostics.MissingBaseModel, TrainingDiagnostics.MissingBaseModel.FormatMessage());
            }

            if (method == "supervised" && request.Beta is not null)
            {
                safeLog.Report(TrainingDiagnostics.BetaIgnored, null, TrainingDiagnostics.BetaIgnored.FormatMessage());
            }

            var endpoint = request.ResolveEndpoint();
            if (endpoint is not null)
            {
                FineTuningApi.ParseEndpoint(endpoint);
            }

            var today = request.Today ?? DateOnly.FromDateTime(DateTime.UtcNow);
            if (ProviderWindDownCheck.Warning(request.DatasetName, endpoint, request.ProviderWindDown, today) is { } windDown)
            {
                safeLog.Report(TrainingDiagnostics.ProviderWindDown, null, windDown);
            }

            // A warning promoted to an error (WarningsAsErrors, TreatWarningsAsErrors) fails the publish before
            // anything is uploaded or started, as a promoted compile warning leaves no JSONL behind.
            if (diagnostics.HasErrors)
            {
                return new TrainingResult { Succeeded = false };
            }

            var fingerprint = DatasetFingerprint.Compute(request, trainer);
            if (ProviderWindDownCheck.NewJobRefused(request.DatasetName, endpoint, request.ProviderWindDown, today) is { } refused
                && LockFile.Load(request.ResolvedLockFilePath).Find(request.DatasetName, fingerprint.LockKey)?.JobId is null)
            {
                throw new TrainingException(TrainingDiagnostics.ProviderWindDownPassed, refused);
            }

            var api = new FineTuningApi(apiKey, endpoint, retry => safeLog.Message(TrainingImportance.Normal, retry),
                request.MaxRetries, request.RetryBaseDelay, request.RetryMaxDelay, request.NetworkTimeout);
            run = new ApiRun(request, safeLog, api, fingerprint);
            return await run.ExecuteAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (TrainingException e)
        {
            safeLog.Report(e);
            return new TrainingResult { Succeeded = false };
        }
        catch (Exception e) when (e is not OperationCanceledException && ApiErrors.IsApiFailure(e))
        {
            safeLog.Report(ApiErrors.Translate(e, "A request to the fine-tuning API"));
            return new TrainingResult { Succeeded = false };
        }
        catch (Exception e) when (e is not (OperationCanceledException or OutOfMemoryException))
        {
            // Whatever else escapes (a malformed answer deep in the client, a bug) is one FT error naming the step,
            // never an MSBuild task crash with a stack trace.
            safeLog.Report(TrainingFailures.Unexpected(e, run?.Step ?? "preparing the publish", run?.StepIsRequest ?? false));
            safeLog.Message(TrainingImportance.Low, e.ToString());
            return new TrainingResult { Succeeded = false };
        }
    }

    /// <summary>Writes &lt;publishDir&gt;/&lt;name&gt;.model.txt (the id and a newline).</summary>
    internal static void WriteModelFile(TrainingRequest request, string model, ITrainingLog log)
    {
        if (string.IsNullOrEmpty(request.PublishDirectory))
        {
            return;
        }

        var path = Path.Combine(request.PublishDirectory!, request.DatasetName + ".model.txt");
        try
        {
            var text = model + "\n";
            if (!File.Exists(path) || File.ReadAllText(path) != text)
            {
                AtomicFile.WriteAllText(path, text);
            }

            log.Message(TrainingImportance.Normal, $"Wrote {path}.");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new TrainingException(TrainingDiagnostics.WriteFailed, $"Cannot write '{path}': {e.Message}", inner: e);
        }
    }

    private sealed class ApiRun
    {
        private readonly TrainingRequest _request;
        private readonly RedactingTrainingLog _log;
        private readonly FineTuningApi _api;
        private readonly DatasetFingerprint _fp;
        private readonly string _lockPath;
        private readonly string _name;

        /// <summary>What the run is doing, for the message of an unexpected failure.</summary>
        public string Step { get; private set; } = "reading finetune.lock.json";

        /// <summary>Whether <see cref="Step"/> is waiting on the endpoint (a malformed answer is then FT7024).</summary>
        public bool StepIsRequest { get; private set; }

        private void At(string step, bool request)
        {
            Step = step;
            StepIsRequest = request;
        }

        public ApiRun(TrainingRequest request, RedactingTrainingLog log, FineTuningApi api, DatasetFingerprint fp)
        {
            _request = request;
            _log = log;
            _api = api;
            _fp = fp;
            _lockPath = request.ResolvedLockFilePath;
            _name = request.DatasetName;
        }

        private Task<ProjectLock> LockAsync(CancellationToken ct)
        {
            At($"locking {Path.GetFileName(_lockPath)}", request: false);
            return ProjectLock.AcquireAsync(_lockPath, _request.ProjectLockTimeout, m => _log.Message(TrainingImportance.High, m), ct);
        }

        public async Task<TrainingResult> ExecuteAsync(CancellationToken ct)
        {
            _log.Message(TrainingImportance.Low, $"{_name}: dataset sha256 {_fp.DatasetHash}, lock key {_fp.LockKey}.");
            JobInfo job;
            bool reused;
            using (await LockAsync(ct).ConfigureAwait(false))
            {
                At($"reading {Path.GetFileName(_lockPath)}", request: false);
                var lockFile = LockFile.Load(_lockPath);
                var entry = lockFile.Find(_name, _fp.LockKey);
                if (entry?.JobId is not null)
                {
                    if (entry.Endpoint is not null && entry.Endpoint != _api.EndpointDisplay)
                    {
                        _log.Report(TrainingDiagnostics.EndpointChanged, null, $"{_name}: job {entry.JobId} was recorded at {entry.Endpoint}, but the endpoint is now {_api.EndpointDisplay}.");
                    }
                    // Recorded again as current (it may have been history).
                    lockFile.Set(_name, _fp.LockKey, entry);
                    lockFile.Save(_lockPath);
                    if (entry.Status == "succeeded" && entry.FineTunedModel is not null)
                    {
                        _log.Message(TrainingImportance.High, $"{_name}: already trained as {entry.FineTunedModel} (job {entry.JobId}, recorded in {Path.GetFileName(_lockPath)}); nothing to upload or start.");
                        WriteModelFile(_request, entry.FineTunedModel, _log);
                        return Result(true, entry.FineTunedModel, entry.JobId, entry.Status, reused: true);
                    }
                    if (entry.Status is "failed" or "cancelled")
                    {
                        _log.Message(TrainingImportance.High, $"{_name}: job {entry.JobId} for this dataset and these parameters is recorded as {entry.Status} in {Path.GetFileName(_lockPath)}; change the data or parameters, or delete its entry, to train again.");
                        throw Failure(entry.JobId, entry.Status, null, entry.Error, null);
                    }
                    _log.Message(TrainingImportance.High, $"{_name}: resuming job {entry.JobId} recorded in {Path.GetFileName(_lockPath)} (last seen {entry.Status}).");
                    job = await GetRecordedJobAsync(entry.JobId, ct).ConfigureAwait(false);
                    reused = true;
                }
                else
                {
                    var found = await FindJobByKeyAsync(ct).ConfigureAwait(false);
                    if (found is not null)
                    {
                        _log.Message(TrainingImportance.High, $"{_name}: found job {found.Id} started by an earlier publish that stopped before recording it; using it.");
                        job = found;
                        reused = true;
                        entry = NewEntry(job, files: null);
                    }
                    else
                    {
                        var files = new Dictionary<string, RemoteFile>();
                        foreach (var file in _fp.Files)
                        {
                            files[file.Kind] = await EnsureUploadedAsync(file, ct).ConfigureAwait(false);
                        }

                        _request.Checkpoint?.Invoke("uploaded");
                        job = await CreateJobAsync(files, ct).ConfigureAwait(false);
                        _request.Checkpoint?.Invoke("created");
                        reused = false;
                        entry = NewEntry(job, files);
                        _log.Message(TrainingImportance.High, $"{_name}: started fine-tuning job {job.Id} on {job.BaseModel ?? _request.BaseModel} ({job.Status}).");
                    }
                    Update(entry, job);
                    lockFile.Set(_name, _fp.LockKey, entry);
                    lockFile.Save(_lockPath);
                }
            }

            if (!job.IsTerminal && !_request.Wait)
            {
                _log.Message(TrainingImportance.High, $"{_name}: job {job.Id} is {job.Status}; not waiting (FineTuneWait=false). Publish again or run 'finetune follow' to follow it.");
                return Result(true, null, job.Id, job.Status, reused);
            }
            if (!job.IsTerminal)
            {
                job = await FollowAsync(job, resumed: reused, ct).ConfigureAwait(false);
            }

            return await FinishAsync(job, reused, ct).ConfigureAwait(false);
        }

        private TrainingResult Result(bool ok, string? model, string? jobId, string? status, bool reused) => new()
        {
            Succeeded = ok,
            FineTunedModel = model,
            JobId = jobId,
            Status = status,
            LockKey = _fp.LockKey,
            DatasetHash = _fp.DatasetHash,
            Reused = reused,
        };

        private async Task<JobInfo> GetRecordedJobAsync(string jobId, CancellationToken ct)
        {
            At($"getting job {jobId} (GET /fine_tuning/jobs/{jobId})", request: true);
            try
            {
                return (await _api.GetJobAsync(jobId, ct).ConfigureAwait(false)).Info;
            }
            catch (ClientResultException e) when (e.Status == 404)
            {
                throw new TrainingException(TrainingDiagnostics.RecordedJobNotFound,
                    $"{_name}: job {jobId} recorded in {Path.GetFileName(_lockPath)} does not exist at {_api.EndpointDisplay}; check the endpoint, or delete the entry to train again.", inner: e);
            }
        }

        private async Task<JobInfo?> FindJobByKeyAsync(CancellationToken ct)
        {
            At("looking for a job an earlier publish started (GET /fine_tuning/jobs)", request: true);
            var filter = new Dictionary<string, string> { [MetadataLockKey] = _fp.LockKey };
            var jobs = await _api.ListJobsAsync(20, filter, ct).ConfigureAwait(false);
            // Prefer one that is still useful: succeeded or in progress, newest first.
            return jobs.FirstOrDefault(j => j.Status is not ("failed" or "cancelled")) ?? jobs.FirstOrDefault();
        }

        private async Task<RemoteFile> EnsureUploadedAsync(CompiledFile file, CancellationToken ct)
        {
            var name = file.UploadName(_name);
            At($"uploading {name} (/files)", request: true);
            var existing = await _api.FindFileAsync(name, file.Bytes, ct).ConfigureAwait(false);
            if (existing is not null)
            {
                _log.Message(TrainingImportance.High, $"{_name}: reusing uploaded {name} ({existing.Id}).");
                return existing;
            }
            for (var attempt = 0; ; attempt++)
            {
                try
                {
                    RemoteFile remote;
                    if (file.Bytes > _request.UploadsApiThreshold)
                    {
                        _log.Message(TrainingImportance.High, string.Create(CultureInfo.InvariantCulture, $"{_name}: uploading {name} ({file.Bytes:N0} bytes) through the Uploads API in parts of {_request.UploadPartSize:N0} bytes."));
                        remote = await _api.UploadInPartsAsync(file.Path, name, _request.UploadPartSize, m => _log.Message(TrainingImportance.Normal, m), ct).ConfigureAwait(false);
                    }
                    else
                    {
                        remote = await _api.UploadFileAsync(file.Path, name, ct).ConfigureAwait(false);
                    }
                    if (remote.Status == "error")
                    {
                        throw new TrainingException(TrainingDiagnostics.UploadFailed, $"The API rejected {name} ({remote.Id}).", new Location(file.Path, 0, 0));
                    }

                    _log.Message(TrainingImportance.High, string.Create(CultureInfo.InvariantCulture, $"{_name}: uploaded {file.Kind} file as {remote.Id} ({file.Bytes:N0} bytes)."));
                    return remote;
                }
                catch (Exception e) when (attempt < _request.MaxRetries && ApiErrors.IsTransient(e) && !ct.IsCancellationRequested)
                {
                    // The reply may have been lost after the file was stored: look before sending it again.
                    _log.Message(TrainingImportance.Normal, $"{_name}: uploading {name} failed ({ApiErrors.Describe(e)}); checking whether it arrived before trying again.");
                    var arrived = await _api.FindFileAsync(name, file.Bytes, ct).ConfigureAwait(false);
                    if (arrived is not null)
                    {
                        return arrived;
                    }

                    await Task.Delay(Backoff(attempt), ct).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not TrainingException && e is not OperationCanceledException && ApiErrors.IsApiFailure(e))
                {
                    var t = ApiErrors.Translate(e, $"Uploading {name}");
                    throw t.Descriptor == TrainingDiagnostics.ApiError ? new TrainingException(TrainingDiagnostics.UploadFailed, t.Message, new Location(file.Path, 0, 0), e) : t;
                }
            }
        }

        private TimeSpan Backoff(int attempt) =>
            TimeSpan.FromMilliseconds(Math.Min(_request.RetryMaxDelay.TotalMilliseconds, _request.RetryBaseDelay.TotalMilliseconds * Math.Pow(2, attempt)));

        private JsonObject JobBody(Dictionary<string, RemoteFile> files)
        {
            var hp = new JsonObject();
            if (_request.Epochs is { } epochs)
            {
                hp["n_epochs"] = epochs;
            }

            if (_request.BatchSize is { } batch)
            {
                hp["batch_size"] = batch;
            }

            if (_request.LearningRateMultiplier is { } lr)
            {
                hp["learning_rate_multiplier"] = lr;
            }

            if (_request.Method == "dpo" && _request.Beta is { } beta)
            {
                hp["beta"] = beta;
            }

            var metadata = new JsonObject
            {
                [MetadataDataset] = _name.Length > 512 ? _name[..512] : _name,
                [MetadataDatasetHash] = _fp.DatasetHash,
                [MetadataLockKey] = _fp.LockKey,
            };
            var revision = _request.SourceRevision ?? SourceRevision.TryDetect(_request.ProjectDirectory);
            if (!string.IsNullOrEmpty(revision))
            {
                metadata[MetadataSourceRevision] = revision;
            }

            var body = new JsonObject
            {
                ["model"] = _request.BaseModel,
                ["training_file"] = files["train"].Id,
            };
            if (files.TryGetValue("validation", out var validation))
            {
                body["validation_file"] = validation.Id;
            }

            if (!string.IsNullOrEmpty(_request.Suffix))
            {
                body["suffix"] = _request.Suffix;
            }

            if (_request.Seed is { } seed)
            {
                body["seed"] = seed;
            }

            body["method"] = new JsonObject
            {
                ["type"] = _request.Method,
                [_request.Method] = new JsonObject { ["hyperparameters"] = hp },
            };
            body["metadata"] = metadata;
            return body;
        }

        private async Task<JobInfo> CreateJobAsync(Dictionary<string, RemoteFile> files, CancellationToken ct)
        {
            var body = JobBody(files);
            At("creating the fine-tuning job (POST /fine_tuning/jobs)", request: true);
            for (var attempt = 0; ; attempt++)
            {
                try
                {
                    return await _api.CreateJobAsync(body, ct).ConfigureAwait(false);
                }
                catch (Exception e) when (attempt < _request.MaxRetries && ApiErrors.IsTransient(e) && !ct.IsCancellationRequested)
                {
                    // The job may exist although the reply was lost: find it by its lock key before creating another.
                    _log.Message(TrainingImportance.Normal, $"{_name}: creating the job failed ({ApiErrors.Describe(e)}); checking whether it was created before trying again.");
                    var found = await FindJobByKeyAsync(ct).ConfigureAwait(false);
                    if (found is not null)
                    {
                        return found;
                    }

                    await Task.Delay(Backoff(attempt), ct).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not TrainingException && e is not OperationCanceledException && ApiErrors.IsApiFailure(e))
                {
                    throw ApiErrors.Translate(e, "Creating the fine-tuning job");
                }
            }
        }

        private LockEntry NewEntry(JobInfo job, Dictionary<string, RemoteFile>? files)
        {
            var entry = new LockEntry
            {
                Trainer = "api",
                Endpoint = _api.EndpointDisplay,
                BaseModel = _request.BaseModel,
                Method = _request.Method,
                Suffix = string.IsNullOrEmpty(_request.Suffix) ? null : _request.Suffix,
                Seed = _request.Seed,
                DatasetSha256 = _fp.DatasetHash,
                SourceRevision = job.Metadata.TryGetValue(MetadataSourceRevision, out var rev) ? rev : _request.SourceRevision ?? SourceRevision.TryDetect(_request.ProjectDirectory),
                CreatedAt = job.CreatedAt > 0 ? LockEntry.FormatTime(job.CreatedAt) : null,
            };
            entry.Hyperparameters["epochs"] = Number(_request.Epochs);
            entry.Hyperparameters["batchSize"] = Number(_request.BatchSize);
            entry.Hyperparameters["learningRateMultiplier"] = Number(_request.LearningRateMultiplier);
            if (_request.Method == "dpo")
            {
                entry.Hyperparameters["beta"] = Number(_request.Beta);
            }

            foreach (var file in _fp.Files)
            {
                var id = files is not null && files.TryGetValue(file.Kind, out var remote) ? remote.Id
                    : file.Kind == "train" ? job.TrainingFile : job.ValidationFile;
                entry.Files[file.Kind] = new LockedFile { Id = id, Name = file.UploadName(_name), Sha256 = file.Sha256, Bytes = file.Bytes };
            }
            return entry;
        }

        private static JsonNode Number(int? v) => v is { } n ? JsonValue.Create(n) : JsonValue.Create("auto");

        private static JsonNode Number(double? v) => v is { } n ? JsonValue.Create(n) : JsonValue.Create("auto");

        private void Update(LockEntry entry, JobInfo job)
        {
            entry.JobId = job.Id;
            entry.Status = job.Status;
            entry.FineTunedModel = job.FineTunedModel ?? entry.FineTunedModel;
            // The API's reason may echo anything, even the key: the lock file is committed, so redact it.
            entry.Error = job.ErrorMessage is null ? entry.Error : _log.Redact(job.ErrorCode is null ? job.ErrorMessage : $"{job.ErrorCode}: {job.ErrorMessage}");
            if (job.FinishedAt is { } f)
            {
                entry.FinishedAt = LockEntry.FormatTime(f);
            }
        }

        /// <summary>Records the job's latest state under the project lock (another publish may have written meanwhile).</summary>
        private async Task RecordAsync(JobInfo job, CancellationToken ct)
        {
            using (await LockAsync(ct).ConfigureAwait(false))
            {
                At($"recording job {job.Id} in {Path.GetFileName(_lockPath)}", request: false);
                var lockFile = LockFile.Load(_lockPath);
                var entry = lockFile.Find(_name, _fp.LockKey) ?? NewEntry(job, null);
                Update(entry, job);
                lockFile.Set(_name, _fp.LockKey, entry);
                lockFile.Save(_lockPath);
            }
        }

        private async Task<JobInfo> FollowAsync(JobInfo job, bool resumed, CancellationToken ct)
        {
            At($"following job {job.Id} (GET /fine_tuning/jobs/{job.Id} and its events)", request: true);
            try
            {
                return await JobFollower.FollowAsync(_api, job.Id, _name, _request.WaitTimeout, _request.PollInterval, resumed, _log, ct, known: job).ConfigureAwait(false);
            }
            catch (JobFollower.TimeoutException timeout)
            {
                await RecordAsync(timeout.Job, CancellationToken.None).ConfigureAwait(false);
                var state = timeout.Answered
                    ? $"it is still {timeout.Job.Status} and keeps running"
                    : $"the endpoint did not answer in time (the job was last seen {timeout.Job.Status}); the job keeps running";
                throw new TrainingException(TrainingDiagnostics.WaitTimeout,
                    $"{_name}: stopped waiting for job {job.Id} after {_request.WaitTimeout} (FineTuneWaitTimeout); {state}. Publish again or run 'finetune follow' to resume following it; raise FineTuneWaitTimeout to wait longer.");
            }
        }

        private async Task<TrainingResult> FinishAsync(JobInfo job, bool reused, CancellationToken ct)
        {
            await RecordAsync(job, ct).ConfigureAwait(false);
            switch (job.Status)
            {
                case "succeeded":
                    if (string.IsNullOrEmpty(job.FineTunedModel))
                    {
                        throw new TrainingException(TrainingDiagnostics.NoModel, $"{_name}: job {job.Id} succeeded but the API returned no fine_tuned_model.");
                    }

                    _log.Message(TrainingImportance.High, $"{_name}: fine-tuned model {job.FineTunedModel} (job {job.Id}).");
                    WriteModelFile(_request, job.FineTunedModel!, _log);
                    return Result(true, job.FineTunedModel, job.Id, job.Status, reused);
                case "failed":
                case "cancelled":
                    throw Failure(job.Id, job.Status, job.ErrorCode, job.ErrorMessage, job.ErrorParam);
                default:
                    return Result(true, null, job.Id, job.Status, reused);
            }
        }

        private TrainingException Failure(string jobId, string? status, string? code, string? message, string? param)
        {
            if (status == "cancelled")
            {
                return new TrainingException(TrainingDiagnostics.JobCancelled, $"{_name}: fine-tuning job {jobId} was cancelled{(string.IsNullOrEmpty(message) ? "." : ": " + message)}");
            }

            var reason = string.IsNullOrEmpty(message) ? "the API gave no reason" : message;
            var text = $"{_name}: fine-tuning job {jobId} failed: {(code is null ? "" : code + ": ")}{reason}";
            var example = ExampleReference.TryParse(message, param);
            Location? location = null;
            if (example is { } ex)
            {
                location = ExampleReference.Locate(_request, ex.Number, ex.FileKind);
                text += string.Create(CultureInfo.InvariantCulture, $" (example {ex.Number} of the {ex.FileKind} file)");
            }
            return new TrainingException(TrainingDiagnostics.JobFailed, text, location);
        }
    }
}

/// <summary>Turns library and network exceptions into FT7xxx errors with the API's own reason.</summary>
internal static class ApiErrors
{
    public static bool IsApiFailure(Exception e) =>
        e is ClientResultException or HttpRequestException or IOException or AggregateException or TimeoutException
        || (e is TaskCanceledException t && t.InnerException is TimeoutException);

    /// <summary>Worth another try: rate limit, server error, timeout, or no reply at all.</summary>
    public static bool IsTransient(Exception e) => e switch
    {
        ClientResultException c => c.Status is 0 or 408 or 429 or >= 500,
        HttpRequestException or IOException or TimeoutException => true,
        TaskCanceledException t => t.InnerException is TimeoutException,
        AggregateException a => a.InnerExceptions.All(IsTransient),
        _ => false,
    };

    public static string Describe(Exception e) => e switch
    {
        ClientResultException c when c.Status != 0 => $"HTTP {c.Status}: {ApiMessage(c) ?? FirstLine(c.Message)}",
        AggregateException a => Describe(a.InnerExceptions[^1]),
        _ => FirstLine(e.InnerException is { } inner && e is ClientResultException ? inner.Message : e.Message),
    };

    public static TrainingException Translate(Exception e, string action)
    {
        if (e is TrainingException known)
        {
            // Raised inside the pipeline (ResponseCheckPolicy) and wrapped by the client's retries.
            return known;
        }

        if (e is AggregateException a && a.InnerExceptions.Count > 0)
        {
            return Translate(a.InnerExceptions[^1], action);
        }

        if (e is ClientResultException c && c.Status is 401 or 403)
        {
            return new TrainingException(TrainingDiagnostics.Unauthorized, $"{action} was refused (HTTP {c.Status}): {ApiMessage(c) ?? FirstLine(c.Message)} Check OPENAI_API_KEY and the endpoint.", inner: e);
        }

        if (e is ClientResultException r && r.Status != 0)
        {
            return new TrainingException(TrainingDiagnostics.ApiError, $"{action} failed: HTTP {r.Status}: {ApiMessage(r) ?? FirstLine(r.Message)}", inner: e);
        }

        return new TrainingException(TrainingDiagnostics.Unreachable, $"{action} failed: the endpoint could not be reached ({Describe(e)}).", inner: e);
    }

    private static string FirstLine(string s)
    {
        var i = s.IndexOfAny(new[] { '\r', '\n' });
        return i < 0 ? s : s[..i];
    }

    /// <summary>error.message of the API's JSON error body.</summary>
    public static string? ApiMessage(ClientResultException e)
    {
        try
        {
            var content = e.GetRawResponse()?.Content;
            if (content is null || content.ToMemory().Length == 0)
            {
                return null;
            }

            using var doc = System.Text.Json.JsonDocument.Parse(content.ToMemory());
            if (doc.RootElement.TryGetProperty("error", out var err) && err.ValueKind == System.Text.Json.JsonValueKind.Object
                && err.TryGetProperty("message", out var m) && m.ValueKind == System.Text.Json.JsonValueKind.String)
            {
                return m.GetString();
            }
        }
        catch (System.Text.Json.JsonException) { }
        catch (InvalidOperationException) { }
        return null;
    }
}
