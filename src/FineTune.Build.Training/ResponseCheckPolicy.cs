using System.ClientModel.Primitives;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace FineTune.Build.Training;

/// <summary>
/// Refuses a successful (2xx) answer that is not JSON, such as a proxy's or captive portal's HTML page, before the
/// OpenAI library or our parsing meets it: it becomes one FT7024 naming the request, status, content type and the
/// start of the body, instead of a JsonException deep inside the client. Runs once per try, so a bad answer is not
/// retried (it is not transient).
/// </summary>
internal sealed class ResponseCheckPolicy(string? secret) : PipelinePolicy
{
    private const int SnippetLength = 120;

    public override void Process(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
    {
        ProcessNext(message, pipeline, currentIndex);
        Check(message, secret);
    }

    public override async ValueTask ProcessAsync(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
    {
        await ProcessNextAsync(message, pipeline, currentIndex).ConfigureAwait(false);
        Check(message, secret);
    }

    private static void Check(PipelineMessage message, string? secret)
    {
        if (message.Response is not { } response || response.Status is < 200 or > 299 || !message.BufferResponse || IsDownload(message.Request))
        {
            return;
        }

        var content = response.Content.ToMemory();
        if (content.Length == 0)
        {
            return;
        }

        response.Headers.TryGetValue("Content-Type", out var contentType);
        string? problem = null;
        if (contentType is not null && !contentType.Contains("json", StringComparison.OrdinalIgnoreCase))
        {
            problem = $"content type {contentType}";
        }
        else
        {
            try
            {
                using var _ = JsonDocument.Parse(content);
            }
            catch (JsonException)
            {
                problem = "a body that is not JSON";
            }
        }
        if (problem is null)
        {
            return;
        }

        throw new TrainingException(TrainingDiagnostics.UnexpectedResponse, string.Create(CultureInfo.InvariantCulture,
            $"{Describe(message.Request)} answered HTTP {response.Status} with {problem} ({Snippet(content.Span, secret)}), not the fine-tuning API's JSON. Check that FineTuneEndpoint / OPENAI_BASE_URL is an OpenAI-compatible base URL such as https://api.openai.com/v1 and that no proxy answers in its place."));
    }

    /// <summary>GET /files/{id}/content returns the file's own bytes (JSONL, CSV), not JSON.</summary>
    private static bool IsDownload(PipelineRequest request) =>
        request.Uri is { } uri && uri.AbsolutePath.TrimEnd('/').EndsWith("/content", StringComparison.Ordinal);

    /// <summary>"GET /v1/fine_tuning/jobs": method and path, never the query (it may hold metadata values).</summary>
    internal static string Describe(PipelineRequest request) => $"{request.Method} {request.Uri?.AbsolutePath}";

    /// <summary>The start of the body on one line, quoted; the key is masked before the cut, so no part of it is left.</summary>
    internal static string Snippet(ReadOnlySpan<byte> body, string? secret = null)
    {
        var text = Secrets.Redact(Encoding.UTF8.GetString(body[..Math.Min(body.Length, SnippetLength * 4 + 1024)]), secret);
        var one = string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return "'" + (one.Length > SnippetLength ? one[..SnippetLength] + "..." : one) + "'";
    }
}
