using System.ClientModel;
using System.ClientModel.Primitives;

namespace FineTune.Build.Training;

/// <summary>
/// A JSON request through an OpenAI client's pipeline (its key, retry policy with Retry-After, and user agent), for
/// the endpoints the typed API lacks: listing jobs by page, the legacy /completions endpoint.
/// </summary>
internal static class PipelineRequests
{
    /// <summary>Sends <paramref name="body"/> (or nothing) to <paramref name="endpoint"/>/<paramref name="relative"/>; the answer's bytes, or a <see cref="ClientResultException"/>.</summary>
    public static async Task<BinaryData> SendAsync(ClientPipeline pipeline, Uri endpoint, string method, string relative, BinaryData? body, CancellationToken cancellationToken)
    {
        using var message = pipeline.CreateMessage();
        message.Request.Method = method;
        message.Request.Uri = new Uri(endpoint.AbsoluteUri.TrimEnd('/') + "/" + relative);
        message.Request.Headers.Set("Accept", "application/json");
        if (body is not null)
        {
            message.Request.Headers.Set("Content-Type", "application/json");
            message.Request.Content = BinaryContent.Create(body);
        }

        message.ResponseClassifier = PipelineMessageClassifier.Create(stackalloc ushort[] { 200 });
        message.Apply(new RequestOptions { CancellationToken = cancellationToken });
        await pipeline.SendAsync(message).ConfigureAwait(false);
        var response = message.Response!;
        if (response.IsError)
        {
            throw await ClientResultException.CreateAsync(response).ConfigureAwait(false);
        }

        return response.Content;
    }
}
