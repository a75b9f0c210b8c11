using System.ClientModel.Primitives;

namespace FineTune.Build.Training;

/// <summary>
/// Gives every request but the uploads a short network timeout: the client's own timeout is long (30 minutes) for
/// the sake of large uploads, and with retries a dead endpoint would otherwise hold a publish for hours on a
/// request that should answer in seconds. Runs once per call, before the retry policy, so each try has it.
/// </summary>
internal sealed class RequestTimeoutPolicy(TimeSpan timeout) : PipelinePolicy
{
    public override void Process(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
    {
        Apply(message);
        ProcessNext(message, pipeline, currentIndex);
    }

    public override ValueTask ProcessAsync(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
    {
        Apply(message);
        return ProcessNextAsync(message, pipeline, currentIndex);
    }

    private void Apply(PipelineMessage message)
    {
        if (message.NetworkTimeout is null && !IsUpload(message.Request))
        {
            message.NetworkTimeout = timeout;
        }
    }

    /// <summary>POST /files and POST /uploads/{id}/parts carry file bytes and keep the client's long timeout.</summary>
    internal static bool IsUpload(PipelineRequest request)
    {
        if (request.Method != "POST" || request.Uri is null)
        {
            return false;
        }

        var path = request.Uri.AbsolutePath.TrimEnd('/');
        return path.EndsWith("/files", StringComparison.Ordinal) || path.EndsWith("/parts", StringComparison.Ordinal);
    }
}
