using System.ClientModel;
using System.ClientModel.Primitives;
using System.Text.Json.Nodes;
using OpenAI;
using OpenAI.Chat;

namespace FineTune.Build.Training.Evaluation;

/// <summary>
/// Sends evaluation requests to any OpenAI-compatible serving endpoint on the official client: chat models through
/// <see cref="ChatClient"/>, completion models (babbage-002, davinci-002 and their fine-tunes) through the legacy
/// /completions endpoint, which the library has no typed client for, as a protocol-level request on the client's
/// pipeline (same key, retry policy with Retry-After, and user agent).
/// </summary>
public sealed class ServingClient
{
    private readonly OpenAIClient _client;
    private readonly Uri _endpoint;

    public ServingClient(string apiKey, string? endpoint, Action<string>? onRetry = null, int maxRetries = 5, TimeSpan? retryBaseDelay = null, TimeSpan? retryMaxDelay = null)
    {
        var options = new OpenAIClientOptions
        {
            RetryPolicy = new TrainingRetryPolicy(maxRetries, retryBaseDelay ?? TimeSpan.FromSeconds(1), retryMaxDelay ?? TimeSpan.FromMinutes(2), onRetry ?? (_ => { })),
            UserAgentApplicationId = "FineTune.Build",
        };
        if (endpoint is not null)
        {
            options.Endpoint = FineTuningApi.ParseEndpoint(endpoint);
        }

        _client = new OpenAIClient(new ApiKeyCredential(apiKey), options);
        _endpoint = options.Endpoint ?? new Uri("https://api.openai.com/v1");
    }

    /// <summary>The endpoint as recorded: scheme, host, port and path.</summary>
    public string EndpointDisplay => _endpoint.GetLeftPart(UriPartial.Path).TrimEnd('/');

    /// <summary>POST /completions with this body; the raw JSON of the answer.</summary>
    public async Task<ModelAnswer> CompleteAsync(JsonObject body, CancellationToken cancellationToken)
    {
        var content = await PipelineRequests.SendAsync(_client.Pipeline, _endpoint, "POST", "completions", BinaryData.FromString(body.ToJsonString()), cancellationToken).ConfigureAwait(false);
        return AnswerParser.ParseCompletion(content.ToMemory());
    }

    /// <summary>POST /chat/completions through ChatClient's protocol method (the messages go exactly as trained).</summary>
    public async Task<ModelAnswer> ChatAsync(string model, JsonObject body, CancellationToken cancellationToken)
    {
        var chat = _client.GetChatClient(model);
        var result = await chat.CompleteChatAsync(BinaryContent.Create(BinaryData.FromString(body.ToJsonString())),
            new RequestOptions { CancellationToken = cancellationToken }).ConfigureAwait(false);
        return AnswerParser.ParseChat(result.GetRawResponse().Content.ToMemory());
    }
}
