using System.ClientModel;
using System.ClientModel.Primitives;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using OpenAI;
using OpenAI.Files;
using OpenAI.FineTuning;

// The library marks fine-tuning, the Uploads API and multipart content as evaluation APIs (OPENAI001, SCME0004);
// they are the documented way to reach these endpoints, so this file (and only this file) opts in.
#pragma warning disable OPENAI001, SCME0004

namespace FineTune.Build.Training;

/// <summary>A fine-tuning job as the API last described it (read from the raw JSON: the typed FineTuningJob
/// lacks the error and, in OpenAI 2.15, a named fine-tuned model property).</summary>
public sealed record JobInfo(
    string Id,
    string Status,
    string? BaseModel,
    string? FineTunedModel,
    string? ErrorCode,
    string? ErrorMessage,
    string? ErrorParam,
    IReadOnlyDictionary<string, string> Metadata,
    long CreatedAt,
    long? FinishedAt,
    string? TrainingFile,
    string? ValidationFile,
    string? Suffix)
{
    public bool IsTerminal => Status is "succeeded" or "failed" or "cancelled";

    internal static JobInfo Parse(JsonElement e)
    {
        string? S(JsonElement o, string name) => o.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;
        long? L(JsonElement o, string name) => o.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.Number ? p.GetInt64() : null;
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        if (e.TryGetProperty("metadata", out var m) && m.ValueKind == JsonValueKind.Object)
        {
            foreach (var p in m.EnumerateObject())
            {
                if (p.Value.ValueKind == JsonValueKind.String)
                {
                    metadata[p.Name] = p.Value.GetString()!;
                }
            }
        }

        string? code = null, message = null, param = null;
        if (e.TryGetProperty("error", out var err) && err.ValueKind == JsonValueKind.Object)
        {
            code = S(err, "code");
            message = S(err, "message");
            param = S(err, "param");
        }
        return new JobInfo(
            S(e, "id") ?? throw new FormatException("The job has no id."),
            S(e, "status") ?? "unknown",
            S(e, "model"),
            S(e, "fine_tuned_model"),
            code, message, param,
            metadata,
            L(e, "created_at") ?? 0,
            L(e, "finished_at"),
            S(e, "training_file"),
            S(e, "validation_file"),
            S(e, "user_provided_suffix"));
    }

    internal static JobInfo Parse(BinaryData json)
    {
        using var doc = JsonDocument.Parse(json.ToMemory());
        return Parse(doc.RootElement);
    }
}

/// <summary>A job event (newest events come last in what <see cref="FineTuningApi.GetNewEventsAsync"/> returns).</summary>
public sealed record JobEvent(string Id, DateTimeOffset CreatedAt, string Level, string Message, int? Step, int? TotalSteps, double? TrainLoss);

/// <summary>One look at a job: what it is, and the library's handle for its events.</summary>
public sealed class JobPoll
{
    internal JobPoll(JobInfo info, FineTuningJob handle)
    {
        Info = info;
        Handle = handle;
    }

    public JobInfo Info { get; }

    internal FineTuningJob Handle { get; }
}

/// <summary>An uploaded file.</summary>
public sealed record RemoteFile(string Id, string Filename, long Bytes, string Status);

/// <summary>
/// The calls training makes, on the official OpenAI library: OpenAIFileClient (FileUploadPurpose.FineTune and the
/// Uploads API), FineTuningClient, and the client pipeline (with its auth and retry policies) for the one query
/// the typed API lacks, the jobs list's metadata filter.
/// </summary>
public sealed class FineTuningApi
{
    private readonly OpenAIClient _client;
    private readonly OpenAIFileClient _files;
    private readonly FineTuningClient _fineTuning;

    public FineTuningApi(string apiKey, string? endpoint, Action<string>? onRetry = null, int maxRetries = 5,
        TimeSpan? retryBaseDelay = null, TimeSpan? retryMaxDelay = null, TimeSpan? networkTimeout = null, TimeSpan? requestTimeout = null)
    {
        var options = new OpenAIClientOptions
        {
            RetryPolicy = new TrainingRetryPolicy(maxRetries, retryBaseDelay ?? TimeSpan.FromSeconds(1), retryMaxDelay ?? TimeSpan.FromMinutes(2), onRetry ?? (_ => { })),
            // Large uploads take longer than the 100 s default.
            NetworkTimeout = networkTimeout ?? TimeSpan.FromMinutes(30),
            UserAgentApplicationId = "FineTune.Build",
        };
        // Everything but the uploads gets a short network timeout; a 2xx answer that is not JSON is FT7024.
        options.AddPolicy(new RequestTimeoutPolicy(requestTimeout ?? DefaultRequestTimeout), PipelinePosition.PerCall);
        options.AddPolicy(new ResponseCheckPolicy(apiKey), PipelinePosition.PerTry);
        if (endpoint is not null)
        {
            options.Endpoint = ParseEndpoint(endpoint);
        }

        _client = new OpenAIClient(new ApiKeyCredential(apiKey), options);
        _files = _client.GetOpenAIFileClient();
        _fineTuning = _client.GetFineTuningClient();
        Endpoint = _fineTuning.Endpoint;
    }

    /// <summary>The network timeout of each try of a request that uploads no file (uploads keep the long one).</summary>
    public static readonly TimeSpan DefaultRequestTimeout = TimeSpan.FromMinutes(2);

    public Uri Endpoint { get; }

    /// <summary>The endpoint as recorded in the lock file: scheme, host, port and path, nothing else.</summary>
    public string EndpointDisplay => Endpoint.GetLeftPart(UriPartial.Path).TrimEnd('/');

    public static Uri ParseEndpoint(string endpoint)
    {
        if (Uri.TryCreate(endpoint.Trim(), UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            && string.IsNullOrEmpty(uri.UserInfo))
        {
            return uri;
        }

        throw new TrainingException(TrainingDiagnostics.InvalidEndpoint, $"The endpoint '{endpoint}' is not an absolute http(s) URL such as https://api.openai.com/v1.");
    }

    // ---- files ----------------------------------------------------------------------------------------------

    /// <summary>A processed fine-tune file with exactly this name and size, if one exists (an earlier upload).</summary>
    public async Task<RemoteFile?> FindFileAsync(string filename, long bytes, CancellationToken cancellationToken)
    {
        var result = await _files.GetFilesAsync(FilePurpose.FineTune, cancellationToken).ConfigureAwait(false);
        return result.Value
            .Where(f => f.Filename == filename && (f.SizeInBytesLong ?? f.SizeInBytes ?? -1) == bytes && !IsError(f))
            .OrderByDescending(f => f.CreatedAt)
            .Select(ToRemote)
            .FirstOrDefault();
    }

    public async Task<RemoteFile> UploadFileAsync(string path, string filename, CancellationToken cancellationToken)
    {
        // A seekable stream: the pipeline can resend it after a 429.
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true);
        var result = await _files.UploadFileAsync(stream, filename, FileUploadPurpose.FineTune, cancellationToken).ConfigureAwait(false);
        return ToRemote(result.Value);
    }

    /// <summary>The Uploads API: create an upload, add parts of <paramref name="partSize"/> bytes, complete with the MD5.</summary>
    public async Task<RemoteFile> UploadInPartsAsync(string path, string filename, int partSize, Action<string> progress, CancellationToken cancellationToken)
    {
        var length = new FileInfo(path).Length;
        var options = new RequestOptions { CancellationToken = cancellationToken };
        var create = new JsonObject { ["purpose"] = "fine-tune", ["filename"] = filename, ["bytes"] = length, ["mime_type"] = "text/jsonl" };
        var created = await _files.CreateUploadAsync(BinaryContent.Create(BinaryData.FromString(create.ToJsonString())), options).ConfigureAwait(false);
        var uploadId = ReadString(created, "id");

        var partIds = new List<string>();
        using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true))
        {
            var buffer = new byte[(int)Math.Min(partSize, Math.Max(1, length))];
            var partCount = (int)((length + partSize - 1) / partSize);
            for (var index = 1; ; index++)
            {
                var read = await ReadFullyAsync(stream, buffer, cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                md5.AppendData(buffer, 0, read);
                using var form = new MultiPartFormContent();
                // The part's bytes are in memory, so the pipeline can resend them after a 429, 5xx or dropped connection.
                form.Add("data", new FileBinaryContent(BinaryData.FromBytes(buffer.AsMemory(0, read).ToArray()), "application/octet-stream") { Filename = filename });
                var part = await _files.AddUploadPartAsync(uploadId, form, form.MediaType, options).ConfigureAwait(false);
                partIds.Add(ReadString(part, "id"));
                progress(string.Create(CultureInfo.InvariantCulture, $"Uploaded part {index} of {partCount} of {filename}."));
            }
        }
        var complete = new JsonObject
        {
            ["part_ids"] = new JsonArray(partIds.Select(id => (JsonNode)id).ToArray()),
            ["md5"] = Convert.ToHexString(md5.GetHashAndReset()).ToLowerInvariant(),
        };
        var completed = await _files.CompleteUploadAsync(uploadId, BinaryContent.Create(BinaryData.FromString(complete.ToJsonString())), options).ConfigureAwait(false);
        using var doc = JsonDocument.Parse(completed.GetRawResponse().Content.ToMemory());
        if (!doc.RootElement.TryGetProperty("file", out var file) || file.ValueKind != JsonValueKind.Object)
        {
            throw new TrainingException(TrainingDiagnostics.UploadFailed, $"The upload {uploadId} of {filename} completed without a file.");
        }

        return new RemoteFile(
            file.GetProperty("id").GetString()!,
            file.TryGetProperty("filename", out var n) ? n.GetString() ?? filename : filename,
            file.TryGetProperty("bytes", out var b) && b.ValueKind == JsonValueKind.Number ? b.GetInt64() : length,
            file.TryGetProperty("status", out var s) ? s.GetString() ?? "uploaded" : "uploaded");
    }

    private static async Task<int> ReadFullyAsync(Stream stream, byte[] buffer, CancellationToken cancellationToken)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            var n = await stream.ReadAsync(buffer.AsMemory(total), cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                break;
            }

            total += n;
        }
        return total;
    }

#pragma warning disable CS0618 // Status is obsolete, but a file the API marked as error must not be reused.
    private static bool IsError(OpenAIFile f) => f.Status == FileStatus.Error;

    private static RemoteFile ToRemote(OpenAIFile f) =>
        new(f.Id, f.Filename, f.SizeInBytesLong ?? f.SizeInBytes ?? 0, f.Status.ToString().ToLowerInvariant());
#pragma warning restore CS0618

    private static string ReadString(ClientResult result, string property)
    {
        using var doc = JsonDocument.Parse(result.GetRawResponse().Content.ToMemory());
        return doc.RootElement.GetProperty(property).GetString()!;
    }

    // ---- jobs -----------------------------------------------------------------------------------------------

    public async Task<JobInfo> CreateJobAsync(JsonObject body, CancellationToken cancellationToken)
    {
        var job = await _fineTuning.FineTuneAsync(
            BinaryContent.Create(BinaryData.FromString(body.ToJsonString())),
            waitUntilCompleted: false,
            new RequestOptions { CancellationToken = cancellationToken }).ConfigureAwait(false);
        return JobInfo.Parse(job.GetRawResponse().Content);
    }

    /// <summary>The job, with the handle that lists its events.</summary>
    public async Task<JobPoll> GetJobAsync(string jobId, CancellationToken cancellationToken)
    {
        var job = await _fineTuning.GetJobAsync(jobId, cancellationToken).ConfigureAwait(false);
        return new JobPoll(JobInfo.Parse(job.GetRawResponse().Content), job);
    }

    public async Task<JobInfo> CancelJobAsync(string jobId, CancellationToken cancellationToken)
    {
        var job = await _fineTuning.GetJobAsync(jobId, cancellationToken).ConfigureAwait(false);
        if (JobInfo.Parse(job.GetRawResponse().Content) is { IsTerminal: true } done)
        {
            return done;
        }

        var result = await job.CancelAndUpdateAsync(cancellationToken).ConfigureAwait(false);
        return JobInfo.Parse(result.GetRawResponse().Content);
    }

    /// <summary>Events newer than any in <paramref name="seen"/>, oldest first; adds them to <paramref name="seen"/>.</summary>
    public async Task<IReadOnlyList<JobEvent>> GetNewEventsAsync(JobPoll poll, ISet<string> seen, CancellationToken cancellationToken)
    {
        var job = poll.Handle;
        var fresh = new List<JobEvent>();
        // The API lists newest first: stop at the first event already printed.
        await foreach (var e in job.GetEventsAsync(new GetEventsOptions { PageSize = 100 }, cancellationToken).ConfigureAwait(false))
        {
            if (seen.Contains(e.Id))
            {
                break;
            }

            fresh.Add(ToEvent(e));
        }
        fresh.Reverse();
        foreach (var e in fresh)
        {
            seen.Add(e.Id);
        }

        return fresh;
    }

    private static JobEvent ToEvent(FineTuningEvent e)
    {
        int? step = null, total = null;
        double? loss = null;
        if (e.Data is { } data && data.ToMemory().Length > 0)
        {
            try
            {
                using var doc = JsonDocument.Parse(data.ToMemory());
                if (doc.RootElement.ValueKind == JsonValueKind.Object)
                {
                    if (doc.RootElement.TryGetProperty("step", out var s) && s.TryGetInt32(out var sv))
                    {
                        step = sv;
                    }

                    if (doc.RootElement.TryGetProperty("total_steps", out var t) && t.TryGetInt32(out var tv))
                    {
                        total = tv;
                    }

                    if (doc.RootElement.TryGetProperty("train_loss", out var l) && l.ValueKind == JsonValueKind.Number)
                    {
                        loss = l.GetDouble();
                    }
                }
            }
            catch (JsonException) { }
        }
        return new JobEvent(e.Id, e.CreatedAt, e.Level ?? "info", e.Message ?? "", step, total, loss);
    }

    /// <summary>Jobs, newest first; with a metadata filter (GET /fine_tuning/jobs?metadata[k]=v), checked again here
    /// for gateways that ignore the filter.</summary>
    public async Task<IReadOnlyList<JobInfo>> ListJobsAsync(int limit, IReadOnlyDictionary<string, string>? metadata, CancellationToken cancellationToken)
    {
        var results = new List<JobInfo>();
        string? after = null;
        // A gateway that ignores the filter would make us page through everything: stop after a bounded scan.
        for (var page = 0; page < 10 && results.Count < limit; page++)
        {
            var query = new StringBuilder("?limit=").Append(Math.Min(100, Math.Max(1, limit)).ToString(CultureInfo.InvariantCulture));
            if (after is not null)
            {
                query.Append("&after=").Append(Uri.EscapeDataString(after));
            }

            if (metadata is not null)
            {
                foreach (var (k, v) in metadata)
                {
                    query.Append("&metadata%5B").Append(Uri.EscapeDataString(k)).Append("%5D=").Append(Uri.EscapeDataString(v));
                }
            }

            using var doc = await SendAsync("GET", "fine_tuning/jobs" + query, cancellationToken).ConfigureAwait(false);
            if (doc.RootElement.ValueKind != JsonValueKind.Object || !doc.RootElement.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Array)
            {
                throw new TrainingException(TrainingDiagnostics.UnexpectedResponse,
                    $"GET {Endpoint.AbsolutePath.TrimEnd('/')}/fine_tuning/jobs answered without a 'data' list ({ResponseCheckPolicy.Snippet(Encoding.UTF8.GetBytes(doc.RootElement.GetRawText()))}), not the fine-tuning API's job list. Check that FineTuneEndpoint / OPENAI_BASE_URL is an OpenAI-compatible base URL such as https://api.openai.com/v1.");
            }

            foreach (var item in data.EnumerateArray())
            {
                var job = JobInfo.Parse(item);
                if (metadata is null || metadata.All(kv => job.Metadata.TryGetValue(kv.Key, out var v) && v == kv.Value))
                {
                    results.Add(job);
                }

                after = job.Id;
            }
            if (!(doc.RootElement.TryGetProperty("has_more", out var more) && more.ValueKind == JsonValueKind.True) || after is null)
            {
                break;
            }
        }
        return results.Take(limit).ToList();
    }

    /// <summary>A request through the client's pipeline (key, retries, user agent) for what the typed API lacks.</summary>
    private async Task<JsonDocument> SendAsync(string method, string relative, CancellationToken cancellationToken)
        => JsonDocument.Parse((await PipelineRequests.SendAsync(_client.Pipeline, Endpoint, method, relative, null, cancellationToken).ConfigureAwait(false)).ToMemory());
}
