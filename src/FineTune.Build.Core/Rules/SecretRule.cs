using System.Text.RegularExpressions;
using FineTune.Build.Diagnostics;
using FineTune.Build.Examples;

namespace FineTune.Build.Rules;

/// <summary>
/// Secrets in examples: OpenAI, Anthropic, AWS, GitHub, Slack, Google and Azure-style keys and PEM private keys. A
/// model trained on them can repeat them to anyone. The message shows only the first characters of the secret.
/// </summary>
public sealed partial class SecretRule : IExampleRule
{
    private static readonly (string Kind, Regex Pattern)[] Patterns =
    [
        ("an OpenAI API key", OpenAiKey()),
        ("an Anthropic API key", AnthropicKey()),
        ("an AWS access key id", AwsKey()),
        ("a GitHub token", GitHubToken()),
        ("a Slack token", SlackToken()),
        ("a Google API key", GoogleKey()),
        ("an Azure/API key assignment", AssignedKey()),
        ("a private key", PrivateKey()),
    ];

    public void Check(Example example, RuleContext context)
    {
        foreach (var text in ChatView.Strings(example.Body))
        {
            foreach (var (kind, pattern) in Patterns)
            {
                var match = pattern.Match(text.Text);
                if (!match.Success)
                {
                    continue;
                }

                var secret = match.Groups["secret"].Success ? match.Groups["secret"] : match.Groups[0];
                var (line, column) = TextLocator.Locate(example.SourcePath, text, secret.Index);
                context.Report(DiagnosticCodes.SecretInExample, example.SourcePath, line, column,
                    $"This text contains {kind} ({Mask(secret.Value)}): remove it, replace it with a placeholder, and revoke the key if it is real.");
                break;
            }
        }
    }

    /// <summary>The first four characters and the length: enough to find it, not enough to use it.</summary>
    internal static string Mask(string secret) => secret.Length <= 4 ? "****" : $"{secret[..4]}… {secret.Length} characters";

    [GeneratedRegex(@"\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}")]
    private static partial Regex OpenAiKey();

    [GeneratedRegex(@"\bsk-ant-[A-Za-z0-9_-]{20,}")]
    private static partial Regex AnthropicKey();

    [GeneratedRegex(@"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b")]
    private static partial Regex AwsKey();

    [GeneratedRegex(@"\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})")]
    private static partial Regex GitHubToken();

    [GeneratedRegex(@"\bxox[baprs]-[A-Za-z0-9-]{10,}")]
    private static partial Regex SlackToken();

    [GeneratedRegex(@"\bAIza[0-9A-Za-z_-]{35}")]
    private static partial Regex GoogleKey();

    // Azure keys are 32 hex characters with no prefix: only flag them where they are assigned to a key name.
    [GeneratedRegex(@"(?i)\b(?:api[_-]?key|subscription[_-]?key|ocp-apim-subscription-key|access[_-]?key|secret)\b[""']?\s*[:=]\s*[""']?(?<secret>[0-9a-f]{32}|[A-Za-z0-9+/]{40,}={0,2})")]
    private static partial Regex AssignedKey();

    [GeneratedRegex(@"-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?-----")]
    private static partial Regex PrivateKey();
}
