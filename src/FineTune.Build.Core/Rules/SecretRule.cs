using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using FineTune.Build.Diagnostics;
using FineTune.Build.Examples;

namespace FineTune.Build.Rules;

/// <summary>
/// Secrets in examples: OpenAI, Anthropic, AWS, GitHub, Slack, Google and Azure-style keys and PEM private keys. A
/// model trained on them can repeat them to anyone. Each pattern is the provider's documented key shape (prefix,
/// length, alphabet, fixed markers), not a bare prefix, so text such as <c>sk-learn-compatible-estimators</c> is not
/// a key. The message shows only the first characters of the secret and a fingerprint of this occurrence, which a
/// project lists in <c>FineTuneSecretAllow</c> to waive exactly that reviewed occurrence.
/// </summary>
public sealed partial class SecretRule : IExampleRule
{
    private static readonly string[] AwsPrefixes = ["AKIA", "ASIA", "ABIA", "ACCA", "A3T"];
    private static readonly string[] GitHubPrefixes = ["ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"];
    private static readonly string[] SlackPrefixes = ["xox", "xapp-"];

    // Each pattern comes with a cheap test that it may match: a literal every match contains, found by a vectorized
    // IndexOf. Most texts contain none, so most regexes (whose own scans are slower, and AssignedKey's case-insensitive
    // start stops at almost every word) are never run. A prefilter may only say yes too often, never no.
    private static readonly (string Kind, Regex Pattern, Func<string, bool>? Accept, Func<string, bool> MayMatch)[] Patterns =
    [
        // Project, service-account and admin keys: sk-proj-/sk-svcacct-/sk-admin- + 58 or 74 + T3BlbkFJ + 58 or 74
        // (the shape gitleaks' openai-api-key rule uses); newer bodies without the marker are long random base64url.
        ("an OpenAI API key", OpenAiProjectKey(), null, HasSk),
        ("an OpenAI API key", OpenAiProjectKeyNoMarker(), body => LooksRandom(body[(body.IndexOf('-', 3) + 1)..]), HasSk),
        // Classic user keys: sk- + 20 + T3BlbkFJ ("openai" in base64) + 20, 51 characters; and other 48-character legacy keys.
        ("an OpenAI API key", OpenAiClassicKey(), null, HasSk),
        ("an OpenAI API key", OpenAiLegacyKey(), key => LooksRandom(key[3..]), HasSk),
        ("an Anthropic API key", AnthropicKey(), null, HasSk),
        ("an AWS access key id", AwsKey(), key => !key.EndsWith("EXAMPLE", StringComparison.Ordinal),
            text => ContainsAnyAt(text, 'A', AwsPrefixes)),
        ("a GitHub token", GitHubToken(), null, text => text.Contains('_') && ContainsAny(text, GitHubPrefixes)),
        ("a Slack token", SlackToken(), null, text => ContainsAnyAt(text, 'x', SlackPrefixes)),
        ("a Google API key", GoogleKey(), null, text => text.Contains("AIza", StringComparison.Ordinal)),
        ("an Azure/API key assignment", AssignedKey(), key => LooksRandom(key), MayAssignKey),
        ("a private key", PrivateKey(), null, text => text.Contains("-----BEGIN ", StringComparison.Ordinal)),
    ];

    /// <summary>
    /// Whether <see cref="AssignedKey"/> may match: every alternative ends in "secret" or in "key" right after api,
    /// subscription or access (optionally with '_' or '-'), so a "key" after any other ASCII character (hockey,
    /// monkey, " key") cannot start a match. The regex is case-insensitive and .NET's case equivalence also maps the
    /// Kelvin sign (U+212A) to k, which OrdinalIgnoreCase does not: that character runs the regex, and so does a
    /// non-ASCII character before "key", as a culture may equate it with i, n or s.
    /// </summary>
    private static bool MayAssignKey(string text)
    {
        if (text.Contains("secret", StringComparison.OrdinalIgnoreCase) || text.Contains('\u212A'))
        {
            return true;
        }

        var from = 0;
        while (from < text.Length)
        {
            var at = text.IndexOf("key", from, StringComparison.OrdinalIgnoreCase);
            if (at < 0)
            {
                return false;
            }

            if (at > 0 && (text[at - 1] > 0x7F || "iInNsS_-".Contains(text[at - 1])))
            {
                return true;
            }

            from = at + 1;
        }

        return false;
    }

    private static bool HasSk(string text) => text.Contains("sk-", StringComparison.Ordinal);

    /// <summary>
    /// Whether any of the literals, which all start with <paramref name="first"/>, is in the text: one vectorized scan
    /// for that (rare) character, then a comparison at each place, instead of one scan per literal.
    /// </summary>
    private static bool ContainsAnyAt(string text, char first, string[] literals)
    {
        var span = text.AsSpan();
        for (var at = span.IndexOf(first); at >= 0; at = span.IndexOf(first))
        {
            span = span[at..];
            foreach (var literal in literals)
            {
                if (span.StartsWith(literal, StringComparison.Ordinal))
                {
                    return true;
                }
            }

            span = span[1..];
        }

        return false;
    }

    private static bool ContainsAny(string text, string[] literals)
    {
        foreach (var literal in literals)
        {
            if (text.Contains(literal, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private readonly Dictionary<string, string?> _allowed;

    /// <summary>A rule that reports every secret.</summary>
    public SecretRule()
        : this([])
    {
    }

    /// <summary>A rule that waives the reviewed occurrences whose fingerprints are listed (FineTuneSecretAllow).</summary>
    public SecretRule(IEnumerable<SecretAllowance> allowed)
    {
        _allowed = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var allowance in allowed)
        {
            _allowed[allowance.Fingerprint.Trim()] = allowance.Reason;
        }
    }

    public void Check(Example example, RuleContext context)
    {
        foreach (var text in ChatView.Strings(example.Body))
        {
            List<(int Start, int End)>? seen = null;
            foreach (var (kind, pattern, accept, mayMatch) in Patterns)
            {
                if (!mayMatch(text.Text))
                {
                    continue;
                }

                for (var match = pattern.Match(text.Text); match.Success; match = match.NextMatch())
                {
                    var secret = match.Groups["secret"].Success ? match.Groups["secret"] : match.Groups[0];
                    if ((accept is not null && !accept(secret.Value))
                        || (seen is not null && seen.Any(s => secret.Index < s.End && s.Start < secret.Index + secret.Length)))
                    {
                        continue;
                    }

                    (seen ??= []).Add((secret.Index, secret.Index + secret.Length));
                    var (line, column) = TextLocator.Locate(example.SourcePath, text, secret.Index);
                    var fingerprint = Fingerprint(secret.Value, text.Text);
                    if (_allowed.TryGetValue(fingerprint, out var reason))
                    {
                        context.Waive(new WaivedSecret(kind, example.SourcePath, line, column, fingerprint, reason));
                        continue;
                    }

                    context.Report(DiagnosticCodes.SecretInExample, example.SourcePath, line, column,
                        $"This text contains {kind} ({Mask(secret.Value)}, fingerprint {fingerprint}): remove it, replace it with a placeholder, and revoke the key if it is real. " +
                        $"If it is a reviewed, harmless example, waive this occurrence with <FineTuneSecretAllow Include=\"{fingerprint}\" Reason=\"...\" />.");
                }
            }
        }
    }

    /// <summary>The first four characters and the length: enough to find it, not enough to use it.</summary>
    internal static string Mask(string secret) => secret.Length <= 4 ? "****" : $"{secret[..4]}… {secret.Length} characters";

    /// <summary>
    /// Names one occurrence: SHA-256 of the secret and the whole text (message content, prompt, completion) it is in,
    /// first 16 hex digits. The same key in another text, or this text once edited, gets another fingerprint, so a
    /// waiver never covers more than the occurrence someone reviewed. It reveals nothing usable about the key.
    /// </summary>
    public static string Fingerprint(string secret, string text)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(secret + "\n" + text));
        return "sha256:" + Convert.ToHexString(hash.AsSpan(0, 8)).ToLowerInvariant();
    }

    /// <summary>
    /// Random key material mixes upper case, lower case and digits and has few separators; words joined by
    /// hyphens (sk-onboarding-checklist-v2) do not.
    /// </summary>
    internal static bool LooksRandom(string body)
    {
        bool upper = false, lower = false, digit = false;
        int separators = 0;
        foreach (var c in body)
        {
            if (char.IsAsciiLetterUpper(c))
            {
                upper = true;
            }
            else if (char.IsAsciiLetterLower(c))
            {
                lower = true;
            }
            else if (char.IsAsciiDigit(c))
            {
                digit = true;
            }
            else
            {
                separators++;
            }
        }

        bool hex = body.All(char.IsAsciiHexDigit);
        return (hex && body.Any(char.IsAsciiDigit) && body.Any(char.IsAsciiLetter)) || (upper && lower && digit && separators * 10 <= body.Length);
    }

    private const string Before = "(?<![A-Za-z0-9_-])";
    private const string After = "(?![A-Za-z0-9_-])";

    [GeneratedRegex(Before + "sk-(?:proj|svcacct|admin)-(?:[A-Za-z0-9_-]{74}|[A-Za-z0-9_-]{58})T3BlbkFJ(?:[A-Za-z0-9_-]{74}|[A-Za-z0-9_-]{58})" + After)]
    private static partial Regex OpenAiProjectKey();

    [GeneratedRegex(Before + "sk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{80,}" + After)]
    private static partial Regex OpenAiProjectKeyNoMarker();

    [GeneratedRegex(Before + "sk-[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20}" + After)]
    private static partial Regex OpenAiClassicKey();

    [GeneratedRegex(Before + "sk-[A-Za-z0-9]{48}" + After)]
    private static partial Regex OpenAiLegacyKey();

    // sk-ant-api03- / sk-ant-admin01- + 93 base64url characters + "AA" (108 characters in all).
    [GeneratedRegex(Before + "sk-ant-(?:api|admin)[0-9]{2}-[A-Za-z0-9_-]{93}AA" + After)]
    private static partial Regex AnthropicKey();

    // Access key ids are a 4-letter type prefix and 16 base32 characters (A-Z, 2-7).
    [GeneratedRegex(@"(?<![A-Za-z0-9])(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z2-7]{16}(?![A-Za-z0-9])")]
    private static partial Regex AwsKey();

    // Classic tokens: ghp_/gho_/ghu_/ghs_/ghr_ + 36 alphanumerics; fine-grained: github_pat_ + 22 + "_" + 59.
    [GeneratedRegex(Before + "(?:gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59})" + After)]
    private static partial Regex GitHubToken();

    // Bot xoxb-<team>-<bot>-<24>, user xoxp-/xoxe- with three numeric parts and a 28-34 character secret, app-level xapp-.
    [GeneratedRegex(Before + "(?:xoxb-[0-9]{10,13}-[0-9]{10,13}-[A-Za-z0-9]{24}|xox[pe](?:-[0-9]{10,13}){3}-[A-Za-z0-9]{28,34}|xapp-[0-9]-[A-Z0-9]{9,11}-[0-9]{10,13}-[a-f0-9]{64})" + After)]
    private static partial Regex SlackToken();

    [GeneratedRegex(Before + "AIza[0-9A-Za-z_-]{35}" + After)]
    private static partial Regex GoogleKey();

    // Azure keys are 32 hex characters (or long base64) with no prefix: only flag them where they are assigned to a key name.
    [GeneratedRegex(@"(?i)\b(?:api[_-]?key|subscription[_-]?key|ocp-apim-subscription-key|access[_-]?key|secret)\b[""']?\s*[:=]\s*[""']?(?<secret>[0-9a-f]{32}(?![0-9a-z])|[A-Za-z0-9+/]{40,}={0,2})")]
    private static partial Regex AssignedKey();

    // A header alone (a tutorial naming the format) is not a key: the base64 body must follow.
    [GeneratedRegex(@"-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?-----(?=[\s\S]{0,300}?[A-Za-z0-9+/]{40})")]
    private static partial Regex PrivateKey();
}
