using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;

namespace FineTune.Build.FakeOpenAI;

/// <summary>
/// A real HTTP server on 127.0.0.1 that speaks the OpenAI REST shapes of files, uploads, fine_tuning/jobs and
/// (chat) completions, with scripted job progress and fault injection. Every request is recorded.
/// </summary>
public sealed partial class FakeOpenAIServer : IAsyncDisposable
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = false };
    private readonly WebApplication _app;
    private readonly object _gate = new();
    private readonly List<RecordedRequest> _requests = new();
    private readonly List<Fault> _faults = new();
    private readonly Queue<JobScript> _nextScripts = new();
    private int _counter;
    private long _clock = 1_700_000_000;

    public ConcurrentDictionary<string, FakeFile> Files { get; } = new();
    public ConcurrentDictionary<string, FakeUpload> Uploads { get; } = new();
    public ConcurrentDictionary<string, FakeJob> Jobs { get; } = new();

    /// <summary>The script for jobs created when no <see cref="EnqueueJobScript"/> is pending.</summary>
    public JobScript DefaultJobScript { get; set; } = new();

    /// <summary>When set, any other bearer token gets 401 (as the API does for a wrong key).</summary>
    public string? RequiredApiKey { get; set; }

    /// <summary>The assistant's answer to a chat completion request (default " yes").</summary>
    public Func<JsonObject, string> ChatAnswer { get; set; } = _ => " yes";

    /// <summary>The text of a legacy completion (default " yes").</summary>
    public Func<JsonObject, string> CompletionAnswer { get; set; } = _ => " yes";

    /// <summary>Alternatives listed in top_logprobs besides the answer, with their log probabilities.</summary>
    public IDictionary<string, double> AlternativeLogprobs { get; set; } = new Dictionary<string, double> { [" no"] = -4.6 };

    /// <summary>e.g. http://127.0.0.1:PORT/v1 — what OPENAI_BASE_URL or OpenAIClientOptions.Endpoint should be.</summary>
    public string BaseUrl { get; private set; } = "";

    public Uri BaseUri => new(BaseUrl);

    private FakeOpenAIServer(WebApplication app) => _app = app;

    public static async Task<FakeOpenAIServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = null;
            k.Limits.MinRequestBodyDataRate = null;
        });
        var app = builder.Build();
        var server = new FakeOpenAIServer(app);
        app.Run(server.HandleAsync);
        await app.StartAsync().ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseUrl = address.TrimEnd('/') + "/v1";
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    // ---- test API -------------------------------------------------------------------------------------------

    public IReadOnlyList<RecordedRequest> Requests
    {
        get { lock (_gate)
            {
                return _requests.ToList();
            }
        }
    }

    /// <summary>Requests with this method whose path ends with the suffix (e.g. "POST", "/files").</summary>
    public IReadOnlyList<RecordedRequest> RequestsTo(string method, string pathSuffix) =>
        Requests.Where(r => r.Method == method && r.Path.EndsWith(pathSuffix, StringComparison.Ordinal)).ToList();

    public void ClearRequests()
    {
        lock (_gate)
        {
            _requests.Clear();
        }
    }

    public Fault AddFault(Fault fault)
    {
        lock (_gate)
        {
            _faults.Add(fault);
        }

        return fault;
    }

    public void ClearFaults()
    {
        lock (_gate)
        {
            _faults.Clear();
        }
    }

    /// <summary>The next created job follows this script (then the next enqueued one, then the default).</summary>
    public void EnqueueJobScript(JobScript script)
    {
        lock (_gate)
        {
            _nextScripts.Enqueue(script);
        }
    }

    /// <summary>Creates a job directly, as if another client had (e.g. a publish killed before it wrote its lock file).</summary>
    public FakeJob SeedJob(string model, string trainingFile, IDictionary<string, string>? metadata = null, JobScript? script = null)
    {
        var request = new JsonObject { ["model"] = model, ["training_file"] = trainingFile };
        if (metadata is not null)
        {
            request["metadata"] = new JsonObject(metadata.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value)));
        }

        return CreateJob(request, script ?? DefaultJobScript);
    }

    /// <summary>Stores a file directly, as if uploaded earlier.</summary>
    public FakeFile SeedFile(string filename, byte[] content, string purpose = "fine-tune")
    {
        var file = new FakeFile { Id = NewId("file-"), Filename = filename, Purpose = purpose, Content = content, CreatedAt = Now() };
        Files[file.Id] = file;
        return file;
    }

    // ---- request handling -----------------------------------------------------------------------------------

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var method = request.Method;
        var path = request.Path.Value ?? "";
        var headers = request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);

        Fault? fault = null;
        lock (_gate)
        {
            fault = _faults.FirstOrDefault(f => f.Times > 0 && f.Matches(method, path));
            if (fault is not null)
            {
                fault.Times--;
                fault.Hits++;
            }
        }

        if (fault?.Kind == FaultKind.DropConnection)
        {
            var partial = await ReadSomeAsync(request.Body, fault.DropAfterBytes, context.RequestAborted).ConfigureAwait(false);
            Record(method, path, request.QueryString.Value ?? "", headers, partial, aborted: true);
            context.Abort();
            return;
        }

        byte[] body;
        using (var buffer = new MemoryStream())
        {
            await request.Body.CopyToAsync(buffer, context.RequestAborted).ConfigureAwait(false);
            body = buffer.ToArray();
        }
        Record(method, path, request.QueryString.Value ?? "", headers, body, aborted: false);

        context.Response.Headers["x-request-id"] = "req_" + Interlocked.Increment(ref _counter).ToString(CultureInfo.InvariantCulture);

        switch (fault?.Kind)
        {
            case FaultKind.TooManyRequests:
                context.Response.Headers["Retry-After"] = Math.Max(1, (int)Math.Ceiling(fault.RetryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                if (!fault.SecondsOnly)
                {
                    context.Response.Headers["retry-after-ms"] = ((int)fault.RetryAfter.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
                }

                await WriteErrorAsync(context, 429, "Rate limit reached for requests", "requests", "rate_limit_exceeded").ConfigureAwait(false);
                return;
            case FaultKind.ServerError:
                await WriteErrorAsync(context, 500, "The server had an error while processing your request. Sorry about that!", "server_error", null).ConfigureAwait(false);
                return;
            case FaultKind.ServiceUnavailable:
                await WriteErrorAsync(context, 503, "The engine is currently overloaded, please try again later.", "server_error", null).ConfigureAwait(false);
                return;
            case FaultKind.Slow:
                await Task.Delay(fault.Delay, context.RequestAborted).ConfigureAwait(false);
                break;
            case FaultKind.Respond:
                context.Response.StatusCode = fault.Status;
                context.Response.ContentType = fault.ContentType;
                foreach (var (name, value) in fault.Headers)
                {
                    context.Response.Headers[name] = value;
                }

                await context.Response.WriteAsync(fault.Body, context.RequestAborted).ConfigureAwait(false);
                return;
        }

        var auth = request.Headers.Authorization.ToString();
        if (!auth.StartsWith("Bearer ", StringComparison.Ordinal) || auth.Length <= 7)
        {
            await WriteErrorAsync(context, 401, "You didn't provide an API key.", "invalid_request_error", null).ConfigureAwait(false);
            return;
        }
        if (RequiredApiKey is not null && auth != "Bearer " + RequiredApiKey)
        {
            // Like the API, the message shows only the key's last four characters.
            var given = auth[7..];
            await WriteErrorAsync(context, 401, $"Incorrect API key provided: sk-...{given[^Math.Min(4, given.Length)..]}.", "invalid_request_error", "invalid_api_key").ConfigureAwait(false);
            return;
        }

        var (status, response) = Route(method, path, request.Query, request.ContentType, body);

        if (fault?.Kind == FaultKind.DropAfterProcessing)
        {
            context.Abort();
            return;
        }

        context.Response.StatusCode = status;
        if (response is byte[] raw)
        {
            context.Response.ContentType = "application/octet-stream";
            await context.Response.Body.WriteAsync(raw, context.RequestAborted).ConfigureAwait(false);
        }
        else
        {
            context.Response.ContentType = "application/json";
            var json = ((JsonNode?)response)?.ToJsonString(Indented) ?? "{}";
            await context.Response.WriteAsync(json, context.RequestAborted).ConfigureAwait(false);
        }
    }

    private static async Task<byte[]> ReadSomeAsync(Stream body, int count, CancellationToken token)
    {
        var buffer = new byte[Math.Max(count, 1)];
        var read = 0;
        try
        {
            while (read < count)
            {
                var n = await body.ReadAsync(buffer.AsMemory(read, count - read), token).ConfigureAwait(false);
                if (n == 0)
                {
                    break;
                }

                read += n;
            }
        }
        catch (Exception) when (token.IsCancellationRequested) { }
        return buffer[..read];
    }

    private void Record(string method, string path, string query, Dictionary<string, string> headers, byte[] body, bool aborted)
    {
        lock (_gate)
        {
            _requests.Add(new RecordedRequest(method, path, query, headers, body, DateTimeOffset.UtcNow, aborted));
        }
    }

    private static async Task WriteErrorAsync(HttpContext context, int status, string message, string type, string? code, string? param = null)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(Error(message, type, code, param).ToJsonString()).ConfigureAwait(false);
    }

    private static JsonObject Error(string message, string type, string? code, string? param = null) =>
        new() { ["error"] = new JsonObject { ["message"] = message, ["type"] = type, ["param"] = param, ["code"] = code } };

    private (int Status, object? Body) Route(string method, string path, IQueryCollection query, string? contentType, byte[] body)
    {
        if (!path.StartsWith("/v1/", StringComparison.Ordinal))
        {
            return NotFound(path);
        }

        var segments = path["/v1/".Length..].Split('/', StringSplitOptions.RemoveEmptyEntries);
        try
        {
            return (method, segments) switch
            {
                ("POST", ["files"]) => UploadFile(contentType, body),
                ("GET", ["files"]) => ListFiles(query),
                ("GET", ["files", var id]) => Files.TryGetValue(id, out var f) ? (200, FileJson(f)) : NotFound(id),
                ("DELETE", ["files", var id]) => Files.TryRemove(id, out _) ? (200, new JsonObject { ["id"] = id, ["object"] = "file", ["deleted"] = true }) : NotFound(id),
                ("GET", ["files", var id, "content"]) => Files.TryGetValue(id, out var f) ? (200, f.Content) : NotFound(id),
                ("POST", ["uploads"]) => CreateUpload(body),
                ("POST", ["uploads", var id, "parts"]) => AddPart(id, contentType, body),
                ("POST", ["uploads", var id, "complete"]) => CompleteUpload(id, body),
                ("POST", ["uploads", var id, "cancel"]) => CancelUpload(id),
                ("POST", ["fine_tuning", "jobs"]) => CreateJobRequest(body),
                ("GET", ["fine_tuning", "jobs"]) => ListJobs(query),
                ("GET", ["fine_tuning", "jobs", var id]) => GetJob(id),
                ("GET", ["fine_tuning", "jobs", var id, "events"]) => ListEvents(id, query),
                ("GET", ["fine_tuning", "jobs", var id, "checkpoints"]) => Jobs.ContainsKey(id) ? (200, List(new JsonArray(), false)) : NotFound(id),
                ("POST", ["fine_tuning", "jobs", var id, "cancel"]) => CancelJob(id),
                ("POST", ["chat", "completions"]) => ChatCompletion(body),
                ("POST", ["completions"]) => Completion(body),
                _ => NotFound(path),
            };
        }
        catch (BadRequest e)
        {
            return (400, Error(e.Message, "invalid_request_error", null, e.Param));
        }
        catch (JsonException e)
        {
            return (400, Error("We could not parse the JSON body of your request. " + e.Message, "invalid_request_error", null));
        }
    }

    private sealed class BadRequest(string message, string? param = null) : Exception(message)
    {
        public string? Param { get; } = param;
    }

    private static (int, object?) NotFound(string what) =>
        (404, Error($"No such object: '{what}'", "invalid_request_error", null));

    private long Now() => Interlocked.Increment(ref _clock);

    private string NewId(string prefix) =>
        prefix + "fake" + Interlocked.Increment(ref _counter).ToString("D6", CultureInfo.InvariantCulture);

    private static JsonObject List(JsonArray data, bool hasMore)
    {
        var list = new JsonObject { ["object"] = "list", ["data"] = data, ["has_more"] = hasMore };
        if (data.Count > 0)
        {
            list["first_id"] = data[0]!["id"]!.GetValue<string>();
            list["last_id"] = data[^1]!["id"]!.GetValue<string>();
        }
        return list;
    }

    // ---- files ----------------------------------------------------------------------------------------------

    private static Dictionary<string, (string? FileName, byte[] Data)> ReadMultipart(string? contentType, byte[] body)
    {
        if (contentType is null || !MediaTypeHeaderValue.TryParse(contentType, out var media) || media.Boundary.Length == 0)
        {
            throw new BadRequest("Expected multipart/form-data.");
        }

        var boundary = HeaderUtilities.RemoveQuotes(media.Boundary).Value!;
        var reader = new MultipartReader(boundary, new MemoryStream(body)) { BodyLengthLimit = null };
        var fields = new Dictionary<string, (string?, byte[])>(StringComparer.Ordinal);
        while (reader.ReadNextSectionAsync().GetAwaiter().GetResult() is { } section)
        {
            if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition))
            {
                continue;
            }

            using var data = new MemoryStream();
            section.Body.CopyTo(data);
            var name = HeaderUtilities.RemoveQuotes(disposition.Name).Value ?? "";
            var fileName = HeaderUtilities.RemoveQuotes(disposition.FileName).Value;
            if (string.IsNullOrEmpty(fileName))
            {
                fileName = HeaderUtilities.RemoveQuotes(disposition.FileNameStar).Value;
            }

            fields[name] = (string.IsNullOrEmpty(fileName) ? null : fileName, data.ToArray());
        }
        return fields;
    }

    private (int, object?) UploadFile(string? contentType, byte[] body)
    {
        var fields = ReadMultipart(contentType, body);
        if (!fields.TryGetValue("purpose", out var purpose))
        {
            throw new BadRequest("Missing required parameter: 'purpose'.", "purpose");
        }

        if (!fields.TryGetValue("file", out var file))
        {
            throw new BadRequest("Missing required parameter: 'file'.", "file");
        }

        var purposeText = Encoding.UTF8.GetString(purpose.Data);
        if (purposeText is not ("fine-tune" or "batch" or "assistants" or "vision" or "user_data" or "evals"))
        {
            throw new BadRequest($"'{purposeText}' is not one of the supported purposes.", "purpose");
        }

        var stored = new FakeFile
        {
            Id = NewId("file-"),
            Filename = file.FileName ?? "file",
            Purpose = purposeText,
            Content = file.Data,
            CreatedAt = Now(),
        };
        Files[stored.Id] = stored;
        return (200, FileJson(stored));
    }

    private static JsonObject FileJson(FakeFile f) => new()
    {
        ["id"] = f.Id,
        ["object"] = "file",
        ["bytes"] = f.Content.LongLength,
        ["created_at"] = f.CreatedAt,
        ["expires_at"] = null,
        ["filename"] = f.Filename,
        ["purpose"] = f.Purpose,
        ["status"] = f.Status,
        ["status_details"] = null,
    };

    private (int, object?) ListFiles(IQueryCollection query)
    {
        IEnumerable<FakeFile> files = Files.Values;
        if (query.TryGetValue("purpose", out var purpose) && !string.IsNullOrEmpty(purpose))
        {
            files = files.Where(f => f.Purpose == purpose.ToString());
        }

        var ordered = query["order"].ToString() == "asc"
            ? files.OrderBy(f => f.CreatedAt).ToList()
            : files.OrderByDescending(f => f.CreatedAt).ToList();
        var after = query["after"].ToString();
        if (!string.IsNullOrEmpty(after))
        {
            var index = ordered.FindIndex(f => f.Id == after);
            ordered = index < 0 ? new List<FakeFile>() : ordered.Skip(index + 1).ToList();
        }
        var limit = int.TryParse(query["limit"], out var l) ? Math.Clamp(l, 1, 10_000) : 10_000;
        var page = ordered.Take(limit).ToList();
        return (200, List(new JsonArray(page.Select(f => (JsonNode)FileJson(f)).ToArray()), ordered.Count > page.Count));
    }

    // ---- uploads --------------------------------------------------------------------------------------------

    private (int, object?) CreateUpload(byte[] body)
    {
        var json = JsonNode.Parse(body)!.AsObject();
        var upload = new FakeUpload
        {
            Id = NewId("upload_"),
            Filename = json["filename"]?.GetValue<string>() ?? throw new BadRequest("Missing required parameter: 'filename'.", "filename"),
            Purpose = json["purpose"]?.GetValue<string>() ?? throw new BadRequest("Missing required parameter: 'purpose'.", "purpose"),
            Bytes = json["bytes"]?.GetValue<long>() ?? throw new BadRequest("Missing required parameter: 'bytes'.", "bytes"),
            MimeType = json["mime_type"]?.GetValue<string>() ?? throw new BadRequest("Missing required parameter: 'mime_type'.", "mime_type"),
            CreatedAt = Now(),
        };
        Uploads[upload.Id] = upload;
        return (200, UploadJson(upload));
    }

    private JsonObject UploadJson(FakeUpload u) => new()
    {
        ["id"] = u.Id,
        ["object"] = "upload",
        ["bytes"] = u.Bytes,
        ["created_at"] = u.CreatedAt,
        ["filename"] = u.Filename,
        ["purpose"] = u.Purpose,
        ["status"] = u.Status,
        ["expires_at"] = u.CreatedAt + 3600,
        ["file"] = u.FileId is not null && Files.TryGetValue(u.FileId, out var f) ? FileJson(f) : null,
    };

    private (int, object?) AddPart(string uploadId, string? contentType, byte[] body)
    {
        if (!Uploads.TryGetValue(uploadId, out var upload))
        {
            return NotFound(uploadId);
        }

        if (upload.Status != "pending")
        {
            throw new BadRequest($"Upload {uploadId} is {upload.Status}.");
        }

        var fields = ReadMultipart(contentType, body);
        if (!fields.TryGetValue("data", out var data))
        {
            throw new BadRequest("Missing required parameter: 'data'.", "data");
        }

        var part = NewId("part_");
        upload.Parts[part] = data.Data;
        return (200, new JsonObject { ["id"] = part, ["object"] = "upload.part", ["created_at"] = Now(), ["upload_id"] = uploadId });
    }

    private (int, object?) CompleteUpload(string uploadId, byte[] body)
    {
        if (!Uploads.TryGetValue(uploadId, out var upload))
        {
            return NotFound(uploadId);
        }

        var json = JsonNode.Parse(body)!.AsObject();
        var ids = json["part_ids"]?.AsArray().Select(n => n!.GetValue<string>()).ToList()
                  ?? throw new BadRequest("Missing required parameter: 'part_ids'.", "part_ids");
        using var content = new MemoryStream();
        foreach (var id in ids)
        {
            if (!upload.Parts.TryGetValue(id, out var part))
            {
                throw new BadRequest($"Part {id} does not belong to upload {uploadId}.", "part_ids");
            }

            content.Write(part);
        }
        if (content.Length != upload.Bytes)
        {
            throw new BadRequest($"The number of bytes uploaded ({content.Length}) does not match the number of bytes declared ({upload.Bytes}).");
        }

        if (json["md5"]?.GetValue<string>() is { Length: > 0 } md5
            && !string.Equals(md5, Convert.ToHexString(MD5.HashData(content.ToArray())), StringComparison.OrdinalIgnoreCase))
        {
            throw new BadRequest("The md5 checksum does not match the uploaded bytes.", "md5");
        }

        var file = new FakeFile { Id = NewId("file-"), Filename = upload.Filename, Purpose = upload.Purpose, Content = content.ToArray(), CreatedAt = Now() };
        Files[file.Id] = file;
        upload.FileId = file.Id;
        upload.Status = "completed";
        return (200, UploadJson(upload));
    }

    private (int, object?) CancelUpload(string uploadId)
    {
        if (!Uploads.TryGetValue(uploadId, out var upload))
        {
            return NotFound(uploadId);
        }

        upload.Status = "cancelled";
        return (200, UploadJson(upload));
    }

    // ---- fine-tuning jobs -----------------------------------------------------------------------------------

    private (int, object?) CreateJobRequest(byte[] body)
    {
        var json = JsonNode.Parse(body)!.AsObject();
        if (json["model"]?.GetValue<string>() is not { Length: > 0 })
        {
            throw new BadRequest("Missing required parameter: 'model'.", "model");
        }

        if (json["training_file"]?.GetValue<string>() is not { Length: > 0 } trainingFile)
        {
            throw new BadRequest("Missing required parameter: 'training_file'.", "training_file");
        }

        if (!Files.ContainsKey(trainingFile))
        {
            throw new BadRequest($"Invalid file ID: {trainingFile}", "training_file");
        }

        if (json["validation_file"]?.GetValue<string>() is { Length: > 0 } validation && !Files.ContainsKey(validation))
        {
            throw new BadRequest($"Invalid file ID: {validation}", "validation_file");
        }

        JobScript script;
        lock (_gate)
        {
            script = _nextScripts.Count > 0 ? _nextScripts.Dequeue() : DefaultJobScript;
        }

        var job = CreateJob(json, script);
        return (200, JobJson(job));
    }

    private FakeJob CreateJob(JsonObject json, JobScript script)
    {
        var metadata = json["metadata"] is JsonObject m
            ? m.ToDictionary(kv => kv.Key, kv => kv.Value?.GetValue<string>() ?? "")
            : null;
        var job = new FakeJob
        {
            Id = NewId("ftjob-"),
            Model = json["model"]!.GetValue<string>(),
            TrainingFile = json["training_file"]!.GetValue<string>(),
            ValidationFile = json["validation_file"]?.GetValue<string>(),
            Suffix = json["suffix"]?.GetValue<string>(),
            Seed = json["seed"]?.GetValue<int>() ?? 42,
            RequestJson = json.ToJsonString(),
            Metadata = metadata,
            Script = script,
            CreatedAt = Now(),
            CreatedAtClock = DateTimeOffset.UtcNow,
        };
        lock (job)
        {
            AddEvent(job, "info", $"Created fine-tuning job: {job.Id}", "message");
        }

        Jobs[job.Id] = job;
        return job;
    }

    private void AddEvent(FakeJob job, string level, string message, string type, int? step = null, int? total = null, double? loss = null) =>
        job.Events.Add(new FakeEvent(NewId("ftevent-"), Now(), level, message, type, step, total, loss));

    /// <summary>Moves a job along its script to <paramref name="ticks"/>, adding the events the API would.</summary>
    private void AdvanceTo(FakeJob job, int ticks)
    {
        lock (job)
        {
            while (job.Ticks < ticks && job.Status is "queued" or "validating_files" or "running")
            {
                job.Ticks++;
                var s = job.Script;
                if (job.Status == "queued")
                {
                    job.Status = "validating_files";
                    AddEvent(job, "info", $"Validating training file: {job.TrainingFile}", "message");
                }
                else if (job.Status == "validating_files")
                {
                    if (s.Outcome == JobOutcome.Failed && s.FailDuringValidation)
                    {
                        Fail(job);
                        continue;
                    }
                    job.Status = "running";
                    AddEvent(job, "info", "Fine-tuning job started", "message");
                }
                else if (job.Status == "running")
                {
                    if (s.Outcome == JobOutcome.RunForever && job.Step >= s.Steps)
                    {
                        continue;
                    }

                    var until = Math.Min(s.Steps, job.Step + Math.Max(1, s.StepsPerTick));
                    while (job.Step < until)
                    {
                        job.Step++;
                        var loss = Math.Round(2.0 / (1 + job.Step), 4);
                        AddEvent(job, "info", string.Create(CultureInfo.InvariantCulture, $"Step {job.Step}/{s.Steps}: training loss={loss:0.0000}"), "metrics", job.Step, s.Steps, loss);
                    }
                    if (job.Step >= s.Steps)
                    {
                        switch (s.Outcome)
                        {
                            case JobOutcome.Succeeded:
                                job.FineTunedModel = s.FineTunedModel ?? $"ft:{job.Model}:fake-org:{job.Suffix ?? ""}:{job.Id[^6..]}";
                                AddEvent(job, "info", $"New fine-tuned model created: {job.FineTunedModel}", "message");
                                AddEvent(job, "info", "The job has successfully completed", "message");
                                job.Status = "succeeded";
                                job.FinishedAt = Now();
                                break;
                            case JobOutcome.Failed:
                                Fail(job);
                                break;
                            case JobOutcome.Cancelled:
                                job.Status = "cancelled";
                                job.FinishedAt = Now();
                                AddEvent(job, "info", "Fine-tuning job cancelled", "message");
                                break;
                        }
                    }
                }
            }
        }
    }

    private void Fail(FakeJob job)
    {
        job.Error = (job.Script.ErrorCode, job.Script.ErrorMessage, job.Script.ErrorParam);
        job.Status = "failed";
        job.FinishedAt = Now();
        AddEvent(job, "error", job.Script.ErrorMessage, "message");
    }

    /// <summary>Per-time jobs move with the clock whenever anything looks at them.</summary>
    private void Touch(FakeJob job, bool poll)
    {
        if (job.Script.Advance == AdvanceMode.PerTime)
        {
            var ticks = (int)((DateTimeOffset.UtcNow - job.CreatedAtClock) / job.Script.TickInterval);
            AdvanceTo(job, ticks);
        }
        else if (poll)
        {
            AdvanceTo(job, job.Ticks + 1);
        }
    }

    private (int, object?) GetJob(string id)
    {
        if (!Jobs.TryGetValue(id, out var job))
        {
            return NotFound(id);
        }

        lock (job)
        {
            job.Polls++;
        }

        Touch(job, poll: true);
        return (200, JobJson(job));
    }

    private (int, object?) CancelJob(string id)
    {
        if (!Jobs.TryGetValue(id, out var job))
        {
            return NotFound(id);
        }

        lock (job)
        {
            if (job.Status is "succeeded" or "failed" or "cancelled")
            {
                throw new BadRequest($"Job {id} has already completed: {job.Status}.");
            }

            job.CancelRequested = true;
            job.Status = "cancelled";
            job.FinishedAt = Now();
            AddEvent(job, "info", "Fine-tuning job cancelled", "message");
        }
        return (200, JobJson(job));
    }

    private (int, object?) ListJobs(IQueryCollection query)
    {
        IEnumerable<FakeJob> jobs = Jobs.Values.OrderByDescending(j => j.CreatedAt);
        // The API's filter: metadata[k]=v for each pair; metadata=null for jobs without metadata.
        foreach (var (key, value) in query)
        {
            if (key == "metadata" && value.ToString() == "null")
            {
                jobs = jobs.Where(j => j.Metadata is null || j.Metadata.Count == 0);
            }
            else if (key.StartsWith("metadata[", StringComparison.Ordinal) && key.EndsWith(']'))
            {
                var name = key["metadata[".Length..^1];
                var wanted = value.ToString();
                jobs = jobs.Where(j => j.Metadata is not null && j.Metadata.TryGetValue(name, out var v) && v == wanted);
            }
        }
        var list = jobs.ToList();
        var after = query["after"].ToString();
        if (!string.IsNullOrEmpty(after))
        {
            var index = list.FindIndex(j => j.Id == after);
            list = index < 0 ? new List<FakeJob>() : list.Skip(index + 1).ToList();
        }
        var limit = int.TryParse(query["limit"], out var l) ? Math.Clamp(l, 1, 100) : 20;
        var page = list.Take(limit).ToList();
        foreach (var job in page)
        {
            Touch(job, poll: false);
        }

        return (200, List(new JsonArray(page.Select(j => (JsonNode)JobJson(j)).ToArray()), list.Count > page.Count));
    }

    private (int, object?) ListEvents(string id, IQueryCollection query)
    {
        if (!Jobs.TryGetValue(id, out var job))
        {
            return NotFound(id);
        }

        Touch(job, poll: false);
        List<FakeEvent> events;
        lock (job)
        {
            events = Enumerable.Reverse(job.Events).ToList(); // newest first, as the API lists them
        }

        var after = query["after"].ToString();
        if (!string.IsNullOrEmpty(after))
        {
            var index = events.FindIndex(e => e.Id == after);
            events = index < 0 ? new List<FakeEvent>() : events.Skip(index + 1).ToList();
        }
        var limit = int.TryParse(query["limit"], out var l) ? Math.Clamp(l, 1, 100) : 20;
        var page = events.Take(limit).ToList();
        var data = new JsonArray(page.Select(e => (JsonNode)new JsonObject
        {
            ["object"] = "fine_tuning.job.event",
            ["id"] = e.Id,
            ["created_at"] = e.CreatedAt,
            ["level"] = e.Level,
            ["message"] = e.Message,
            ["data"] = e.Step is null ? new JsonObject() : new JsonObject { ["step"] = e.Step, ["train_loss"] = e.TrainLoss, ["total_steps"] = e.TotalSteps },
            ["type"] = e.Type,
        }).ToArray());
        return (200, List(data, events.Count > page.Count));
    }

    private static JsonObject JobJson(FakeJob job)
    {
        lock (job)
        {
            var request = JsonNode.Parse(job.RequestJson)!.AsObject();
            var method = request["method"]?.DeepClone() as JsonObject ?? new JsonObject { ["type"] = "supervised", ["supervised"] = new JsonObject() };
            var type = method["type"]?.GetValue<string>() ?? "supervised";
            var section = method[type] as JsonObject ?? new JsonObject();
            method[type] = section;
            var hp = section["hyperparameters"] as JsonObject ?? new JsonObject();
            section["hyperparameters"] = hp;
            // The API resolves "auto" to numbers once the job is set up.
            Resolve(hp, "n_epochs", 3);
            Resolve(hp, "batch_size", 1);
            Resolve(hp, "learning_rate_multiplier", 2.0);
            if (type == "dpo")
            {
                Resolve(hp, "beta", 0.1);
            }

            return new JsonObject
            {
                ["object"] = "fine_tuning.job",
                ["id"] = job.Id,
                ["model"] = job.Model,
                ["created_at"] = job.CreatedAt,
                ["finished_at"] = job.FinishedAt,
                ["fine_tuned_model"] = job.FineTunedModel,
                ["organization_id"] = "org-fake",
                ["result_files"] = new JsonArray(),
                ["status"] = job.Status,
                ["validation_file"] = job.ValidationFile,
                ["training_file"] = job.TrainingFile,
                ["hyperparameters"] = new JsonObject
                {
                    ["n_epochs"] = hp["n_epochs"]!.DeepClone(),
                    ["batch_size"] = hp["batch_size"]!.DeepClone(),
                    ["learning_rate_multiplier"] = hp["learning_rate_multiplier"]!.DeepClone(),
                },
                ["trained_tokens"] = job.Status == "succeeded" ? 1234 : null,
                ["error"] = job.Error is { } e ? new JsonObject { ["code"] = e.Code, ["message"] = e.Message, ["param"] = e.Param } : null,
                ["integrations"] = new JsonArray(),
                ["seed"] = job.Seed,
                ["estimated_finish"] = null,
                ["method"] = method,
                ["metadata"] = job.Metadata is null ? null : new JsonObject(job.Metadata.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value))),
                ["user_provided_suffix"] = job.Suffix,
            };
        }

        static void Resolve(JsonObject hp, string name, double fallback)
        {
            var value = hp[name];
            if (value is null || (value is JsonValue v && v.TryGetValue<string>(out var s) && s == "auto"))
            {
                hp[name] = fallback == Math.Floor(fallback) ? JsonValue.Create((int)fallback) : JsonValue.Create(fallback);
            }
        }
    }

    // ---- completions (for evaluation) ----------------------------------------------------------------------

    private JsonObject TopLogprobs(string answer, bool chat)
    {
        var entries = new List<(string Token, double Logprob)> { (answer, -0.01) };
        entries.AddRange(AlternativeLogprobs.Where(kv => kv.Key != answer).Select(kv => (kv.Key, kv.Value)));
        if (chat)
        {
            return new JsonObject
            {
                ["token"] = answer,
                ["logprob"] = -0.01,
                ["bytes"] = new JsonArray(Encoding.UTF8.GetBytes(answer).Select(b => (JsonNode)JsonValue.Create((int)b)).ToArray()),
                ["top_logprobs"] = new JsonArray(entries.Select(e => (JsonNode)new JsonObject
                {
                    ["token"] = e.Token,
                    ["logprob"] = e.Logprob,
                    ["bytes"] = new JsonArray(Encoding.UTF8.GetBytes(e.Token).Select(b => (JsonNode)JsonValue.Create((int)b)).ToArray()),
                }).ToArray()),
            };
        }
        return new JsonObject(entries.Select(e => KeyValuePair.Create(e.Token, (JsonNode?)e.Logprob)));
    }

    private (int, object?) ChatCompletion(byte[] body)
    {
        var json = JsonNode.Parse(body)!.AsObject();
        if (json["model"]?.GetValue<string>() is not { Length: > 0 } model)
        {
            throw new BadRequest("Missing required parameter: 'model'.", "model");
        }

        if (json["messages"] is not JsonArray { Count: > 0 })
        {
            throw new BadRequest("Missing required parameter: 'messages'.", "messages");
        }

        if (ScriptedFor(json, chat: true) is { } scripted)
        {
            return (200, ScriptedChat(json, model, scripted));
        }

        var answer = ChatAnswer(json);
        var wantLogprobs = json["logprobs"]?.GetValue<bool>() == true;
        return (200, new JsonObject
        {
            ["id"] = NewId("chatcmpl-"),
            ["object"] = "chat.completion",
            ["created"] = Now(),
            ["model"] = model,
            ["choices"] = new JsonArray(new JsonObject
            {
                ["index"] = 0,
                ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = answer, ["refusal"] = null },
                ["logprobs"] = wantLogprobs ? new JsonObject { ["content"] = new JsonArray(TopLogprobs(answer, chat: true)), ["refusal"] = null } : null,
                ["finish_reason"] = "stop",
            }),
            ["usage"] = new JsonObject { ["prompt_tokens"] = 10, ["completion_tokens"] = 1, ["total_tokens"] = 11 },
        });
    }

    private (int, object?) Completion(byte[] body)
    {
        var json = JsonNode.Parse(body)!.AsObject();
        if (json["model"]?.GetValue<string>() is not { Length: > 0 } model)
        {
            throw new BadRequest("Missing required parameter: 'model'.", "model");
        }

        if (ScriptedFor(json, chat: false) is { } scripted)
        {
            return (200, ScriptedCompletion(json, model, scripted));
        }

        var answer = CompletionAnswer(json);
        var wantLogprobs = json["logprobs"] is JsonValue lp && lp.TryGetValue<int>(out var n) && n > 0;
        return (200, new JsonObject
        {
            ["id"] = NewId("cmpl-"),
            ["object"] = "text_completion",
            ["created"] = Now(),
            ["model"] = model,
            ["choices"] = new JsonArray(new JsonObject
            {
                ["text"] = answer,
                ["index"] = 0,
                ["logprobs"] = wantLogprobs
                    ? new JsonObject
                    {
                        ["tokens"] = new JsonArray(answer),
                        ["token_logprobs"] = new JsonArray(-0.01),
                        ["top_logprobs"] = new JsonArray(TopLogprobs(answer, chat: false)),
                        ["text_offset"] = new JsonArray(0),
                    }
                    : null,
                ["finish_reason"] = "stop",
            }),
            ["usage"] = new JsonObject { ["prompt_tokens"] = 10, ["completion_tokens"] = 1, ["total_tokens"] = 11 },
        });
    }
}
