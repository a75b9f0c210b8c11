using FineTune.Build.Diagnostics;
using FineTune.Build.Examples;

namespace FineTune.Build.Rules;

/// <summary>
/// Special tokens such as <c>&lt;|endoftext|&gt;</c> or <c>&lt;|im_start|&gt;</c> in the text: the API rejects
/// files that contain them (they would let data forge the model's control tokens).
/// </summary>
public sealed class ReservedTokenRule : IExampleRule
{
    /// <summary>Tokens reserved by any OpenAI encoding or chat format, whatever the model's own tokenizer lists.</summary>
    public static readonly IReadOnlyList<string> Reserved =
    [
        "<|endoftext|>", "<|startoftext|>", "<|fim_prefix|>", "<|fim_middle|>", "<|fim_suffix|>", "<|endofprompt|>",
        "<|im_start|>", "<|im_end|>", "<|im_sep|>",
    ];

    public void Check(Example example, RuleContext context)
    {
        foreach (var text in ChatView.Strings(example.Body))
        {
            if (text.Text.IndexOf("<|", StringComparison.Ordinal) < 0)
            {
                continue;
            }

            foreach (var token in Reserved)
            {
                var at = text.Text.IndexOf(token, StringComparison.Ordinal);
                if (at >= 0)
                {
                    var (line, column) = TextLocator.Locate(example.SourcePath, text, at);
                    context.Report(DiagnosticCodes.ReservedToken, example.SourcePath, line, column,
                        $"The text contains the reserved special token {token}, which the API rejects: remove it or write it differently (for example '< |endoftext| >').");
                    break;
                }
            }
        }
    }
}
