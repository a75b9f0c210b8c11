using FineTune.Build.Compilation;
using FineTune.Build.Core.Tests.Compilation;
using FineTune.Build.Diagnostics;
using FineTune.Build.Examples;
using FineTune.Build.Rules;
using FineTune.Build.Sources;
using static FineTune.Build.Core.Tests.Rules.RuleHarness;

namespace FineTune.Build.Core.Tests.Rules;

/// <summary>ReservedTokenRule (FT6003) and SecretRule (FT6004).</summary>
[TestClass]
public sealed class ContentRulesTests
{
    private static readonly ReservedTokenRule Reserved = new();
    private static readonly SecretRule Secrets = new();

    // Fake secrets of each provider's real shape (prefix, length, alphabet, markers), assembled at run time so that no
    // scanner mistakes this file for a leak.
    private const string Marker = "T3Blbk" + "FJ";
    private static readonly string Alnum = "aB3dE6gH9jK2mN5pQ8sT1vW4yZ7bC0eF3hI6kL9nO2qR5tU8wX1zA4cD7fG0iJ3lM6oP9rS2uV5xY8";
    private static readonly string OpenAiClassic = "sk-" + Alnum[..20] + Marker + Alnum[20..40];
    private static readonly string OpenAiLegacy = "sk-" + Alnum[..48];
    private static readonly string OpenAiProject = "sk-" + "proj-" + Alnum[..58] + Marker + Alnum[10..68];
    private static readonly string OpenAiServiceAccount = "sk-" + "svcacct-" + (Alnum + Alnum)[..74] + Marker + (Alnum + Alnum)[3..77];
    private static readonly string OpenAiAdmin = "sk-" + "admin-" + Alnum[..58] + Marker + Alnum[5..63];
    private static readonly string AnthropicKey = "sk-" + "ant-api03-" + (Alnum + Alnum)[..93] + "AA";
    private static readonly string AwsKey = "AKIA" + "QYLPMN5HZ" + "R3T7WXB";
    private static readonly string GitHubClassic = "ghp" + "_" + Alnum[..36];
    private static readonly string GitHubFineGrained = "github" + "_pat_" + Alnum[..22] + "_" + Alnum[..59];
    private static readonly string SlackBot = "xox" + "b-" + "1234567890-0987654321-" + Alnum[..24];
    private static readonly string SlackUser = "xox" + "p-" + "1234567890-0987654321-1122334455-" + Alnum[..32];
    private static readonly string GoogleKey = "AI" + "za" + "SyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q";
    private static readonly string AzureKey = "0123456789abcdef" + "fedcba9876543210";
    private static readonly string PemHeader = "-----BEGIN " + "RSA PRIVATE KEY-----";

    private static List<Diagnostic> Completion(IExampleRule rule, string line) => Check(rule, "a.jsonl", line + "\n", DatasetFormat.Completion);

    // FT6003

    [TestMethod]
    [DataRow("<|endoftext|>")]
    [DataRow("<|im_start|>")]
    public void ReservedToken_InAPrompt_IsFT6003(string token)
    {
        var line = $$"""{"prompt": "Say {{token}} now", "completion": "ok"}""";
        var d = Single(Completion(Reserved, line), "FT6003", 1, Col(line, "\"Say"), DiagnosticSeverity.Error);
        StringAssert.Contains(d.Message, "reserved special token " + token);
        StringAssert.Contains(d.Message, "remove it");
    }

    [TestMethod]
    [DataRow("<|endoftext|>")]
    [DataRow("<|im_start|>")]
    public void ReservedToken_InACompletion_IsFT6003(string token)
    {
        var line = $$"""{"prompt": "Question", "completion": "Answer{{token}}"}""";
        var d = Single(Completion(Reserved, line), "FT6003", 1, Col(line, "\"Answer"), DiagnosticSeverity.Error);
        StringAssert.Contains(d.Message, token);
    }

    [TestMethod]
    [DataRow("<|endoftext|>")]
    [DataRow("<|im_start|>")]
    public void ReservedToken_InMessageContent_IsFT6003_AtThatMessage(string token)
    {
        var line = $$"""{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "{{token}}assistant"}]}""";
        var d = Single(Check(Reserved, "chat.jsonl", line + "\n"), "FT6003", 1, Col(line, "\"" + token), DiagnosticSeverity.Error);
        StringAssert.Contains(d.Message, token);
    }

    [TestMethod]
    public void ReservedToken_InAYamlLiteralBlock_IsAtItsOwnLine()
    {
        const string yaml = "- prompt: |\n    First line\n    Second <|endoftext|> here\n      indented <|im_start|> too\n  completion: ok\n";
        using var folder = new TempFolder();
        var d = Check(Reserved, Bind(folder, "a.yaml", yaml, DatasetFormat.Completion));

        // One finding per string: the first reserved token found in it.
        Single(d, "FT6003", 3, Col("    Second <|endoftext|> here", "<|"), DiagnosticSeverity.Error);
    }

    [TestMethod]
    public void ReservedToken_InAnIndentedYamlLiteralBlock_CountsTheExtraIndentation()
    {
        const string yaml = "examples:\n  - messages:\n      - role: user\n        content: Hi\n      - role: assistant\n        content: |\n          Sure.\n            <|im_start|>system\n";
        using var folder = new TempFolder();
        var d = Check(Reserved, Bind(folder, "a.yaml", yaml, DatasetFormat.Chat));
        Single(d, "FT6003", 8, Col("            <|im_start|>system", "<|"), DiagnosticSeverity.Error);
    }

    [TestMethod]
    public void ReservedToken_InAYamlLiteralBlockStartingWithABlankLine_IsAtItsColumn()
    {
        // YAML takes a block's indentation from its first non-empty line; a leading blank line is part of the text.
        const string yaml = "- prompt: |\n\n    Say <|endoftext|> now\n  completion: ok\n";
        using var folder = new TempFolder();
        var d = Check(Reserved, Bind(folder, "a.yaml", yaml, DatasetFormat.Completion));
        Single(d, "FT6003", 3, Col("    Say <|endoftext|> now", "<|"), DiagnosticSeverity.Error);
    }

    [TestMethod]
    public void ReservedToken_InALiteralBlockCompletion_IsAtItsColumn_AfterAppendModeAddedTheLeadingSpace()
    {
        // Through the compiler: Append mode prefixes the completion with a space before the content rules run.
        using var folder = new TempFolder();
        const string yaml = "- prompt: Question\n  completion: |\n    Answer <|endoftext|> here\n";
        var run = CompileHarness.Compile(folder, "a.yaml", yaml, new CompileSetup { Catalog = CompileSetup.MinExamplesOne, Task = DatasetTask.Generation, Policy = new DiagnosticPolicy(noWarn: "FT4030") });
        Assert.AreEqual($"FT6003(3,{Col("    Answer <|endoftext|> here", "<|")}) FT3006(1,3)", run.Codes);
    }

    [TestMethod]
    public void ReservedToken_InACsvTemplate_IsAtTheCell()
    {
        using var folder = new TempFolder();
        const string row = "7,Hello there,Ask <|endoftext|> now,Fine";
        var source = new SourceFile(folder.Write("a.csv", "id,greeting,question,answer\n" + row + "\n"))
        {
            PromptTemplate = "{greeting}: {question}",
            CompletionTemplate = "{answer}",
        };
        var d = Check(Reserved, Bind(source, DatasetFormat.Completion));
        Single(d, "FT6003", 2, Col(row, "<|endoftext|>"), DiagnosticSeverity.Error);
    }

    [TestMethod]
    public void ReservedTokens_InSeveralStrings_AreEachReported()
    {
        const string line = """{"messages": [{"role": "system", "content": "<|im_end|>"}, {"role": "user", "content": "Hi <|fim_prefix|>"}, {"role": "assistant", "content": "ok"}]}""";
        var d = Check(Reserved, "chat.jsonl", line + "\n");
        Assert.AreEqual($"FT6003(1,{Col(line, "\"<|im_end")}) FT6003(1,{Col(line, "\"Hi <|")})", Codes(d));
    }

    [TestMethod]
    [DataRow("Write < |endoftext| > instead")]
    [DataRow("An unterminated <|endoftext token")]
    [DataRow("Pipes | and angle brackets <> are fine")]
    public void NearMisses_AreNotReservedTokens(string text)
    {
        Assert.AreEqual("", Codes(Completion(Reserved, $$"""{"prompt": "{{text}}", "completion": "ok"}""")));
    }

    // FT6004

    public static IEnumerable<object[]> SecretCases() =>
    [
        [OpenAiClassic, "an OpenAI API key"],
        [OpenAiLegacy, "an OpenAI API key"],
        [OpenAiProject, "an OpenAI API key"],
        [OpenAiServiceAccount, "an OpenAI API key"],
        [OpenAiAdmin, "an OpenAI API key"],
        [AnthropicKey, "an Anthropic API key"],
        [AwsKey, "an AWS access key id"],
        [GitHubClassic, "a GitHub token"],
        [GitHubFineGrained, "a GitHub token"],
        [SlackBot, "a Slack token"],
        [SlackUser, "a Slack token"],
        [GoogleKey, "a Google API key"],
    ];

    [TestMethod]
    [DynamicData(nameof(SecretCases))]
    public void Secret_IsFT6004_AndNeverEchoedInFull(string secret, string kind)
    {
        var line = $$"""{"prompt": "My key is {{secret}} ok", "completion": "Thanks"}""";
        var d = Single(Completion(Secrets, line), "FT6004", 1, Col(line, "\"My key"), DiagnosticSeverity.Error);
        StringAssert.Contains(d.Message, "contains " + kind);
        StringAssert.Contains(d.Message, $"({secret[..4]}… {secret.Length} characters, fingerprint sha256:");
        Assert.DoesNotContain(secret, d.Message);
        Assert.DoesNotContain(secret[4..], d.Message);
    }

    [TestMethod]
    [DynamicData(nameof(SecretCases))]
    public void Secret_InAYamlLiteralBlock_IsAtTheSecret(string secret, string kind)
    {
        var lineText = "    export KEY=" + secret;
        var yaml = "- messages:\n    - role: user\n      content: |\n        How do I set it?\n    - role: assistant\n      content: |\n        Like this:\n" + "    " + lineText + "\n";
        using var folder = new TempFolder();
        var d = Check(Secrets, Bind(folder, "a.yaml", yaml, DatasetFormat.Chat));
        var message = Single(d, "FT6004", 8, Col("    " + lineText, secret), DiagnosticSeverity.Error).Message;
        StringAssert.Contains(message, kind);
    }

    [TestMethod]
    [DataRow("api_key = {0}")]
    [DataRow("\"subscription-key\": \"{0}\"")]
    [DataRow("Ocp-Apim-Subscription-Key: {0}")]
    public void AzureStyleKey_AssignedToAKeyName_IsFT6004_AtTheKeyItself(string pattern)
    {
        var text = string.Format(System.Globalization.CultureInfo.InvariantCulture, pattern, AzureKey);
        var yaml = "- prompt: |\n    Config:\n    " + text + "\n  completion: ok\n";
        using var folder = new TempFolder();
        var d = Check(Secrets, Bind(folder, "a.yaml", yaml, DatasetFormat.Completion));
        var message = Single(d, "FT6004", 3, Col("    " + text, AzureKey), DiagnosticSeverity.Error).Message;
        StringAssert.Contains(message, "an Azure/API key assignment");
        StringAssert.Contains(message, $"({AzureKey[..4]}… 32 characters, fingerprint sha256:");
        Assert.DoesNotContain(AzureKey, message);
    }

    [TestMethod]
    [DataRow("API_KEY={0}")]
    [DataRow("access-key: {0}")]
    [DataRow("hockey, then the api_\u212Aey = {0}")]
    [DataRow("The Secret: '{0}'")]
    public void AzureStyleKey_AfterOtherKeyWords_OrInAnyCase_IsStillFT6004(string pattern)
    {
        // The regex is run only when its key name may be there: other "key"s before it, upper case, and the Kelvin
        // sign (which .NET's case-insensitive matching equates with k) must not hide it.
        var text = string.Format(System.Globalization.CultureInfo.InvariantCulture, pattern, AzureKey);
        var line = $$"""{"prompt": "{{text}}", "completion": "ok"}""";
        var d = Single(Completion(Secrets, line), "FT6004", 1, Col(line, "\"" + text[..4]), DiagnosticSeverity.Error);
        StringAssert.Contains(d.Message, "an Azure/API key assignment");
    }

    [TestMethod]
    [DataRow("hockey = {0}")]
    [DataRow("monkey: {0}")]
    [DataRow("the key = {0}")]
    public void HexAfterAWordEndingInKey_IsNotAKeyAssignment(string pattern)
    {
        var text = string.Format(System.Globalization.CultureInfo.InvariantCulture, pattern, AzureKey);
        Assert.AreEqual("", Codes(Completion(Secrets, $$"""{"prompt": "{{text}}", "completion": "ok"}""")));
    }

    [TestMethod]
    public void PemPrivateKey_IsFT6004_AndTheKeyBodyIsNotEchoed()
    {
        var body = "MIIEowIBAAKCAQEA7bq98example0body1of2a3fake4key";
        var line = $$"""{"prompt": "Here:\n{{PemHeader}}\n{{body}}\n-----END RSA PRIVATE KEY-----", "completion": "ok"}""";
        var d = Single(Completion(Secrets, line), "FT6004", 1, Col(line, "\"Here"), DiagnosticSeverity.Error);
        StringAssert.Contains(d.Message, "a private key");
        Assert.DoesNotContain(body, d.Message);
        Assert.DoesNotContain(PemHeader, d.Message);
    }

    [TestMethod]
    public void Secret_InAChatMessage_IsAtThatMessage()
    {
        var line = $$"""{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Use {{AwsKey}}"}]}""";
        Single(Check(Secrets, "chat.jsonl", line + "\n"), "FT6004", 1, Col(line, "\"Use"), DiagnosticSeverity.Error);
    }

    [TestMethod]
    public void Secret_InACsvCell_IsAtTheCell()
    {
        using var folder = new TempFolder();
        var row = $"1,How do I log in?,Use {GitHubClassic} as the password";
        var source = new SourceFile(folder.Write("a.csv", "id,question,answer\n" + row + "\n"))
        {
            PromptTemplate = "Q: {question}",
            CompletionTemplate = "{answer}",
        };
        Single(Check(Secrets, Bind(source, DatasetFormat.Completion)), "FT6004", 2, Col(row, GitHubClassic), DiagnosticSeverity.Error);
    }

    [TestMethod]
    [DataRow("Keys start with sk- followed by letters.")]
    [DataRow("The sk-proj- prefix marks project keys.")]
    [DataRow("Fixed in commit 0123456789abcdef0123456789abcdef, see the log.")]
    [DataRow("The task-force met on Tuesday to discuss risk-free options.")]
    [DataRow("An AWS key id looks like AKIA followed by 16 characters.")]
    [DataRow("Tokens like ghp_ or xoxb- are prefixes only.")]
    [DataRow("The secret is to keep trying.")]
    [DataRow("-----BEGIN PUBLIC KEY----- is not private.")]
    [DataRow("A PEM file starts with -----BEGIN RSA PRIVATE KEY----- and ends with the END line.")]
    [DataRow("Use sk-learn-compatible-estimators for the pipeline.")]
    [DataRow("Order sk-2024-winter-collection-blue in size M.")]
    [DataRow("See sk-onboarding-checklist-v2 before day one.")]
    [DataRow("The doc key AKIAIOSFODNN7EXAMPLE is AWS's own placeholder.")]
    [DataRow("sk-proj-short-and-not-a-key-at-all and sk-ant-notakey")]
    [DataRow("ghp_tooShort123 and github_pat_abc")]
    [DataRow("xoxb-123-456-short")]
    public void OrdinaryText_IsNotASecret(string text)
    {
        Assert.AreEqual("", Codes(Completion(Secrets, $$"""{"prompt": "{{text}}", "completion": "ok"}""")));
    }

    [TestMethod]
    [DataRow(0)]
    [DataRow(1)]
    public void OpenAiKey_OneCharacterShortOrLong_IsNotAKey(int variant)
    {
        // The shape is exact: 20 + marker + 20 for classic keys, 48 for legacy ones.
        var text = variant == 0 ? OpenAiClassic[..^1] : OpenAiLegacy + "Z";
        Assert.AreEqual("", Codes(Completion(Secrets, $$"""{"prompt": "x {{text}} y", "completion": "ok"}""")));
    }

    [TestMethod]
    public void TwoSecretsInOneText_AreBothReported()
    {
        // Before, the first match ended the search of a text, so a waived key would have hidden a second one.
        var line = $$"""{"prompt": "a {{GitHubClassic}} b {{AwsKey}}", "completion": "ok"}""";
        var d = Completion(Secrets, line);
        var at = Col(line, "\"a ");
        Assert.AreEqual($"FT6004(1,{at}) FT6004(1,{at})", Codes(d));
        Assert.AreEqual(1, d.Count(x => x.Message.Contains("a GitHub token", StringComparison.Ordinal)));
        Assert.AreEqual(1, d.Count(x => x.Message.Contains("an AWS access key id", StringComparison.Ordinal)));
    }

    // Waivers (FineTuneSecretAllow)

    [TestMethod]
    public void Fingerprint_IsPrintedInTheMessage_AndNamesThisOccurrence()
    {
        var text = "My key is " + GitHubClassic + " ok";
        var line = $$"""{"prompt": "{{text}}", "completion": "Thanks"}""";
        var d = Single(Completion(Secrets, line), "FT6004", 1, Col(line, "\"My key"), DiagnosticSeverity.Error);
        var fingerprint = SecretRule.Fingerprint(GitHubClassic, text);
        StringAssert.Matches(fingerprint, new System.Text.RegularExpressions.Regex("^sha256:[0-9a-f]{16}$"));
        StringAssert.Contains(d.Message, "fingerprint " + fingerprint);
        StringAssert.Contains(d.Message, $"<FineTuneSecretAllow Include=\"{fingerprint}\"");

        // The same key in another text is another occurrence.
        Assert.AreNotEqual(fingerprint, SecretRule.Fingerprint(GitHubClassic, "Other " + GitHubClassic));
    }

    [TestMethod]
    public void AllowedFingerprint_WaivesThatOccurrenceOnly()
    {
        var waivedText = "Reviewed: " + GitHubClassic;
        var otherText = "Leaked: " + GitHubClassic;
        var rule = new SecretRule([new SecretAllowance(SecretRule.Fingerprint(GitHubClassic, waivedText), "documentation sample")]);
        var jsonl = $$"""{"prompt": "{{waivedText}}", "completion": "ok"}""" + "\n" + $$"""{"prompt": "{{otherText}}", "completion": "ok"}""" + "\n";
        using var folder = new TempFolder();
        var examples = Bind(folder, "a.jsonl", jsonl, DatasetFormat.Completion);
        var entry = Model();
        var reported = new List<Diagnostic>();
        var waived = new List<WaivedSecret>();
        foreach (var example in examples)
        {
            var context = new RuleContext(entry, DefaultModel, () => FineTune.Build.Tokens.TokenCounter.ForCurrentThread(entry.Tokenizer));
            rule.Check(example, context);
            reported.AddRange(context.Pending);
            waived.AddRange(context.Waived);
        }

        Assert.AreEqual($"FT6004(2,{Col($$"""{"prompt": "{{otherText}}", "completion": "ok"}""", "\"Leaked")})", Codes(reported));
        Assert.AreEqual(1, waived.Count);
        Assert.AreEqual(("a GitHub token", 1, Col($$"""{"prompt": "{{waivedText}}", "completion": "ok"}""", "\"Reviewed"), "documentation sample"),
            (waived[0].Kind, waived[0].Line, waived[0].Column, waived[0].Reason));
    }
}
