namespace FineTune.Build.Training.Evaluation;

/// <summary>What a (chat) completion returned: its text, why it ended, its length and the first token's alternatives.</summary>
/// <param name="Text">choices[0].text or choices[0].message.content.</param>
/// <param name="FinishReason">stop, length, ...</param>
/// <param name="OutputTokens">usage.completion_tokens (0 when absent).</param>
/// <param name="TopTokens">The first position's top tokens with their log probabilities, most likely first (empty without logprobs).</param>
public sealed record ModelAnswer(string Text, string? FinishReason, int OutputTokens, IReadOnlyList<(string Token, double Logprob)> TopTokens)
{
    /// <summary>The most likely first token, else the text.</summary>
    public string TopToken => TopTokens.Count > 0 ? TopTokens[0].Token : Text;
}
