using System.ClientModel.Primitives;
using System.Globalization;

namespace FineTune.Build.Training;

/// <summary>
/// System.ClientModel's ClientRetryPolicy retries 408/429/5xx and network failures but (in 1.x) waits a fixed
/// exponential backoff and ignores Retry-After. This one honours retry-after-ms and Retry-After, backs off
/// exponentially with jitter otherwise, and says what it does. It does not retry the two non-idempotent creates
/// (POST /files, POST /fine_tuning/jobs) except on 429: a lost reply may mean the file or job exists, so the
/// service looks it up before trying again.
/// </summary>
internal sealed class TrainingRetryPolicy : ClientRetryPolicy
{
    private readonly TimeSpan _baseDelay;
    private readonly TimeSpan _maxDelay;
    private readonly int _maxRetries;
    private readonly Action<string> _onRetry;

    public TrainingRetryPolicy(int maxRetries, TimeSpan baseDelay, TimeSpan maxDelay, Action<string> onRetry)
        : base(maxRetries)
    {
        _maxRetries = maxRetries;
        _baseDelay = baseDelay;
        _maxDelay = maxDelay;
        _onRetry = onRetry;
    }

    internal static bool IsNonIdempotentCreate(PipelineRequest request)
    {
        if (request.Method != "POST" || request.Uri is null)
        {
            return false;
        }

        var path = request.Uri.AbsolutePath.TrimEnd('/');
        return path.EndsWith("/files", StringComparison.Ordinal) || path.EndsWith("/fine_tuning/jobs", StringComparison.Ordinal);
    }

    protected override bool ShouldRetry(PipelineMessage message, Exception? exception)
    {
        if (IsNonIdempotentCreate(message.Request) && !(exception is null && message.Response?.Status == 429))
        {
            return false;
        }

        return base.ShouldRetry(message, exception);
    }

    protected override TimeSpan GetNextDelay(PipelineMessage message, int tryCount)
    {
        var serverDelay = RetryAfter(message.Response);
        var backoff = TimeSpan.FromMilliseconds(_baseDelay.TotalMilliseconds * Math.Pow(2, Math.Max(0, tryCount)) * (1 + Random.Shared.NextDouble() * 0.2));
        var delay = serverDelay ?? backoff;
        var capped = delay > _maxDelay;
        if (capped)
        {
            delay = _maxDelay;
        }

        var what = message.Response is { } r ? $"HTTP {r.Status}" : "a network error";
        var path = message.Request.Uri?.AbsolutePath ?? "";
        _onRetry(string.Create(CultureInfo.InvariantCulture,
            $"{message.Request.Method} {path} got {what}; retrying in {delay.TotalSeconds:0.0#} s{(serverDelay is null ? "" : capped ? $" (Retry-After asked for {Describe(serverDelay.Value)}; capped)" : " (Retry-After)")} (retry {tryCount + 1} of {_maxRetries})."));
        return delay;
    }

    /// <summary>The longest server delay taken literally; anything longer (1e12 seconds, Infinity) is this, and then
    /// the policy's own cap applies. TimeSpan overflows near 29,000 years, so huge values must not reach it.</summary>
    internal static readonly TimeSpan MaxServerDelay = TimeSpan.FromDays(1);

    private static string Describe(TimeSpan delay) =>
        delay >= MaxServerDelay ? "a day or more" : string.Create(CultureInfo.InvariantCulture, $"{delay.TotalSeconds:0.#} s");

    private static TimeSpan Clamp(double milliseconds) =>
        milliseconds >= MaxServerDelay.TotalMilliseconds ? MaxServerDelay : TimeSpan.FromMilliseconds(milliseconds);

    /// <summary>retry-after-ms (OpenAI's), else Retry-After in seconds or as an HTTP date; at most <see cref="MaxServerDelay"/>.</summary>
    internal static TimeSpan? RetryAfter(PipelineResponse? response)
    {
        if (response is null)
        {
            return null;
        }

        if (response.Headers.TryGetValue("retry-after-ms", out var ms)
            && double.TryParse(ms, NumberStyles.Float, CultureInfo.InvariantCulture, out var millis) && millis >= 0)
        {
            return Clamp(millis);
        }

        if (response.Headers.TryGetValue("Retry-After", out var value) && !string.IsNullOrWhiteSpace(value))
        {
            if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0)
            {
                return Clamp(seconds * 1000);
            }

            if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date))
            {
                var wait = date - DateTimeOffset.UtcNow;
                return wait > TimeSpan.Zero ? Clamp(wait.TotalMilliseconds) : TimeSpan.Zero;
            }
        }
        return null;
    }
}
