using System.Collections.Concurrent;
using System.Text;

namespace FineTune.Build.FakeOpenAI;

/// <summary>One HTTP request as the server received it: everything, headers included, so tests can assert on it.</summary>
public sealed record RecordedRequest(
    string Method,
    string Path,
    string QueryString,
    IReadOnlyDictionary<string, string> Headers,
    byte[] Body,
    DateTimeOffset ReceivedAt,
    bool Aborted)
{
    public string BodyText => Encoding.UTF8.GetString(Body);

    public string? Header(string name) =>
        Headers.TryGetValue(name, out var value) ? value : null;

    public override string ToString() => $"{Method} {Path}{QueryString}{(Aborted ? " (aborted)" : "")}";
}

/// <summary>A stored file (POST /v1/files, or a completed upload).</summary>
public sealed class FakeFile
{
    public required string Id { get; init; }
    public required string Filename { get; init; }
    public required string Purpose { get; init; }
    public required byte[] Content { get; init; }
    public long CreatedAt { get; init; }
    public string Status { get; set; } = "processed";
}

/// <summary>An Uploads API session (POST /v1/uploads).</summary>
public sealed class FakeUpload
{
    public required string Id { get; init; }
    public required string Filename { get; init; }
    public required string Purpose { get; init; }
    public required long Bytes { get; init; }
    public required string MimeType { get; init; }
    public long CreatedAt { get; init; }
    public string Status { get; set; } = "pending";
    public ConcurrentDictionary<string, byte[]> Parts { get; } = new();
    public string? FileId { get; set; }
}

/// <summary>How a scripted job ends.</summary>
public enum JobOutcome
{
    Succeeded,
    Failed,
    Cancelled,
    /// <summary>Never ends by itself (for timeout tests).</summary>
    RunForever,
}

/// <summary>How a scripted job advances: one tick per GET of the job, or one tick per <see cref="JobScript.TickInterval"/>.</summary>
public enum AdvanceMode
{
    PerPoll,
    PerTime,
}

/// <summary>
/// The life of a job: tick 0 queued, tick 1 validating_files, then running with <see cref="StepsPerTick"/> steps a
/// tick until <see cref="Steps"/>, then the outcome. A failure with <see cref="FailDuringValidation"/> happens at
/// tick 2 instead (as the API does for an invalid training file).
/// </summary>
public sealed class JobScript
{
    public int Steps { get; set; } = 6;
    public int StepsPerTick { get; set; } = 2;
    public JobOutcome Outcome { get; set; } = JobOutcome.Succeeded;
    public AdvanceMode Advance { get; set; } = AdvanceMode.PerPoll;
    public TimeSpan TickInterval { get; set; } = TimeSpan.FromMilliseconds(100);
    public bool FailDuringValidation { get; set; }
    public string ErrorCode { get; set; } = "invalid_training_file";
    public string ErrorMessage { get; set; } = "The job failed due to an invalid training file. Example 42: Invalid file format.";
    public string? ErrorParam { get; set; } = "training_file";
    /// <summary>Null: ft:{model}:fake-org:{suffix}:{job id suffix}, as OpenAI names them.</summary>
    public string? FineTunedModel { get; set; }
}

public sealed class FakeJob
{
    public required string Id { get; init; }
    public required string Model { get; init; }
    public required string TrainingFile { get; init; }
    public string? ValidationFile { get; init; }
    public string? Suffix { get; init; }
    public int Seed { get; init; }
    public required string RequestJson { get; init; }
    public Dictionary<string, string>? Metadata { get; init; }
    public required JobScript Script { get; init; }
    public long CreatedAt { get; init; }
    public DateTimeOffset CreatedAtClock { get; init; }
    public int Ticks { get; set; }
    public string Status { get; set; } = "queued";
    public int Step { get; set; }
    public string? FineTunedModel { get; set; }
    public long? FinishedAt { get; set; }
    public (string Code, string Message, string? Param)? Error { get; set; }
    public bool CancelRequested { get; set; }
    public List<FakeEvent> Events { get; } = new();
    public int Polls { get; set; }
}

public sealed record FakeEvent(string Id, long CreatedAt, string Level, string Message, string Type, int? Step, int? TotalSteps, double? TrainLoss);

/// <summary>What a fault does to a matching request.</summary>
public enum FaultKind
{
    /// <summary>429 with Retry-After (and retry-after-ms) headers.</summary>
    TooManyRequests,
    /// <summary>500 with an OpenAI error body.</summary>
    ServerError,
    /// <summary>503 with an OpenAI error body.</summary>
    ServiceUnavailable,
    /// <summary>Wait <see cref="Fault.Delay"/>, then answer normally.</summary>
    Slow,
    /// <summary>Read part of the request body, then abort the connection (no response at all).</summary>
    DropConnection,
    /// <summary>Process the request normally, then abort the connection instead of answering (the reply is lost).</summary>
    DropAfterProcessing,
    /// <summary>Answer with <see cref="Fault.Status"/>, <see cref="Fault.ContentType"/>, <see cref="Fault.Body"/> and
    /// <see cref="Fault.Headers"/> instead of the real answer (a proxy's HTML page, a gateway's malformed JSON).</summary>
    Respond,
}

/// <summary>A fault for requests whose method matches and whose path ends with <see cref="PathSuffix"/>
/// (or matches <see cref="PathContains"/>), applied <see cref="Times"/> times.</summary>
public sealed class Fault
{
    public required FaultKind Kind { get; init; }
    public string Method { get; init; } = "*";
    public string? PathSuffix { get; init; }
    public string? PathContains { get; init; }
    public int Times { get; set; } = 1;
    public TimeSpan RetryAfter { get; init; } = TimeSpan.FromSeconds(1);
    /// <summary>Send Retry-After only as whole seconds (no retry-after-ms), as many gateways do.</summary>
    public bool SecondsOnly { get; init; }
    public TimeSpan Delay { get; init; } = TimeSpan.FromSeconds(2);
    /// <summary>For <see cref="FaultKind.DropConnection"/>: how many body bytes to read before aborting.</summary>
    public int DropAfterBytes { get; init; } = 100;
    /// <summary>For <see cref="FaultKind.Respond"/>: the status code.</summary>
    public int Status { get; init; } = 200;
    /// <summary>For <see cref="FaultKind.Respond"/>: the content type.</summary>
    public string ContentType { get; init; } = "application/json";
    /// <summary>For <see cref="FaultKind.Respond"/>: the body, verbatim.</summary>
    public string Body { get; init; } = "";
    /// <summary>For <see cref="FaultKind.Respond"/>: extra response headers, verbatim (e.g. Retry-After: 1e12).</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();
    public int Hits;

    internal bool Matches(string method, string path) =>
        (Method == "*" || string.Equals(Method, method, StringComparison.OrdinalIgnoreCase))
        && (PathSuffix is null || path.EndsWith(PathSuffix, StringComparison.Ordinal))
        && (PathContains is null || path.Contains(PathContains, StringComparison.Ordinal));
}
