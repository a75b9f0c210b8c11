using FineTune.Build.Diagnostics;
using FineTune.Build.Examples;
using FineTune.Build.Sources;

namespace FineTune.Build.Rules;

/// <summary>
/// The seed's four formatting rules for prompt/completion data:
/// 1. every prompt ends with the separator; 2. every completion starts with a whitespace; 3. every completion ends
/// with the stop sequence (not for classification labels); 4. the separator occurs nowhere else in a prompt and the
/// stop sequence nowhere inside a completion. In Append mode rules 1-3 fix the output and count the fix; in Strict
/// mode they are errors. Rule 4 is always an error: no fix is safe.
/// </summary>
public sealed class CompletionFormattingRules
{
    private readonly FormattingOptions _options;
    private readonly DiagnosticCollector _diagnostics;

    public CompletionFormattingRules(FormattingOptions options, DiagnosticCollector diagnostics)
    {
        _options = options;
        _diagnostics = diagnostics;
    }

    /// <summary>Fixes applied in Append mode, counted per kind, for one low-importance message per source.</summary>
    public sealed class AppendCounts
    {
        public int Separators { get; set; }

        public int LeadingSpaces { get; set; }

        public int StopSequences { get; set; }

        public int Total => Separators + LeadingSpaces + StopSequences;
    }

    /// <summary>Checks (and in Append mode fixes) one example. <paramref name="isClassification"/> drops rule 3.</summary>
    public void Apply(Example example, bool isClassification, AppendCounts counts)
    {
        if (example.Prompt is not { } prompt || example.Completion is not { } completion)
        {
            return;
        }

        var file = example.SourcePath;
        var separator = _options.Separator;
        var stop = _options.StopSequence;
        var strict = _options.Mode == FormattingMode.Strict;
        if (strict && !ReferenceEquals(example.Source, _templateSource))
        {
            BeginTemplateSource(example.Source);
        }

        // An empty prompt (open-ended generation) gets no separator: there is nothing for it to end.
        if (separator.Length > 0 && !string.IsNullOrWhiteSpace(prompt.Text))
        {
            var endsWithSeparator = prompt.Text.EndsWith(separator, StringComparison.Ordinal);
            if (strict && endsWithSeparator)
            {
                Pass(TemplateFailures.Separator);
            }

            var searchEnd = endsWithSeparator ? prompt.Text.Length - separator.Length : prompt.Text.Length;
            var inside = IndexOf(prompt.Text, separator, searchEnd);
            if (inside >= 0)
            {
                var (line, column) = TextLocator.Locate(file, prompt, FirstVisible(prompt.Text, inside, separator.Length));
                _diagnostics.Report(DiagnosticCodes.SeparatorInPrompt, file, line, column,
                    $"The separator \"{Show(separator)}\" occurs inside this prompt, not only at its end: remove it there, or choose another FineTunePromptSeparator.");
            }

            if (!endsWithSeparator)
            {
                if (strict)
                {
                    Fail(TemplateFailures.Separator, DiagnosticCodes.MissingSeparator, file, prompt.Line, prompt.Column,
                        $"The prompt does not end with the separator \"{Show(separator)}\": add it at the end of the prompt (or set FineTuneFormattingMode=Append).");
                }
                else
                {
                    example.Set("prompt", prompt.WithText(prompt.Text + separator));
                    counts.Separators++;
                }
            }
        }

        var text = completion.Text;
        if (strict && text.Length > 0 && char.IsWhiteSpace(text[0]))
        {
            Pass(TemplateFailures.LeadingSpace);
        }

        if (text.Length > 0 && !char.IsWhiteSpace(text[0]))
        {
            if (strict)
            {
                Fail(TemplateFailures.LeadingSpace, DiagnosticCodes.MissingLeadingSpace, file, completion.Line, completion.Column,
                    $"The completion does not start with a whitespace: start it with a space (\" {Quote(text)}\", not \"{Quote(text)}\"), so it tokenizes as the model expects.");
            }
            else
            {
                text = " " + text;
                counts.LeadingSpaces++;
            }
        }

        if (!isClassification && stop.Length > 0)
        {
            var endsWithStop = text.EndsWith(stop, StringComparison.Ordinal);
            if (strict && endsWithStop)
            {
                Pass(TemplateFailures.StopSequence);
            }

            var bodyEnd = endsWithStop ? text.Length - stop.Length : text.Length;
            var inside = IndexOf(text, stop, bodyEnd);
            if (inside >= 0)
            {
                var (line, column) = TextLocator.Locate(file, completion.WithText(text, text.Length - completion.Text.Length), inside);
                _diagnostics.Report(DiagnosticCodes.StopSequenceInCompletion, file, line, column,
                    $"The stop sequence \"{Show(stop)}\" occurs inside this completion, so generation would stop there: reword it, or choose another FineTuneStopSequence.");
            }

            if (!endsWithStop)
            {
                if (strict)
                {
                    Fail(TemplateFailures.StopSequence, DiagnosticCodes.MissingStopSequence, file, completion.Line, completion.Column,
                        $"The completion does not end with the stop sequence \"{Show(stop)}\": add it at the end (or set FineTuneFormattingMode=Append).");
                }
                else
                {
                    text += stop;
                    counts.StopSequences++;
                }
            }
        }

        if (!ReferenceEquals(text, completion.Text))
        {
            // Only a leading space is ever added in front; later rules locate offsets through AddedPrefix.
            var prefix = text.Length > completion.Text.Length && !text.StartsWith(completion.Text, StringComparison.Ordinal) ? 1 : 0;
            example.Set("completion", completion.WithText(text, prefix));
        }
    }

    /// <summary>Reports one low-importance message per source for the fixes Append mode made there.</summary>
    public void ReportAppended(string file, int line, int column, AppendCounts counts)
    {
        if (counts.Total == 0)
        {
            return;
        }

        var parts = new List<string>();
        if (counts.Separators > 0)
        {
            parts.Add($"the separator to {counts.Separators} prompt(s)");
        }

        if (counts.LeadingSpaces > 0)
        {
            parts.Add($"a leading space to {counts.LeadingSpaces} completion(s)");
        }

        if (counts.StopSequences > 0)
        {
            parts.Add($"the stop sequence to {counts.StopSequences} completion(s)");
        }

        _diagnostics.Report(DiagnosticCodes.FormattingApplied, file, line, column,
            $"Appended {string.Join(", ", parts)} in the output (FineTuneFormattingMode=Append; set Strict to require them in the source).");
    }

    /// <summary>
    /// Strict mode: reports once, at the project file, each rule that failed for every row a template built (instead
    /// of one error per row), naming the FineTuneSource item, the metadata to change and the row count.
    /// </summary>
    public void ReportTemplateFailures(SourceFile source, string? projectFile)
    {
        if (!ReferenceEquals(source, _templateSource))
        {
            return;
        }

        var item = projectFile is null ? source.Path : Path.GetRelativePath(Path.GetDirectoryName(projectFile) ?? ".", source.Path);
        var at = projectFile ?? source.Path;
        var separator = Show(_options.Separator);
        var stop = Show(_options.StopSequence);
        if (Failing(TemplateFailures.Separator) is var prompts and > 0)
        {
            var text = EscapeSequences.Unescape(source.PromptTemplate!);
            _diagnostics.Report(DiagnosticCodes.MissingSeparator, at, 0, 0,
                $"None of the {prompts} prompt(s) that PromptTemplate=\"{Show(text)}\" of <FineTuneSource Include=\"{item}\"> builds ends with the separator \"{separator}\": end the template with it, PromptTemplate=\"{Show(text)}{separator}\" (or set FineTuneFormattingMode=Append).");
        }

        if (Failing(TemplateFailures.LeadingSpace) is var spaces and > 0)
        {
            var text = EscapeSequences.Unescape(source.CompletionTemplate!);
            _diagnostics.Report(DiagnosticCodes.MissingLeadingSpace, at, 0, 0,
                $"None of the {spaces} completion(s) that CompletionTemplate=\"{Show(text)}\" of <FineTuneSource Include=\"{item}\"> builds starts with a whitespace: start the template with a space, CompletionTemplate=\" {Show(text)}\" (or set FineTuneFormattingMode=Append).");
        }

        if (Failing(TemplateFailures.StopSequence) is var stops and > 0)
        {
            var text = EscapeSequences.Unescape(source.CompletionTemplate!);
            _diagnostics.Report(DiagnosticCodes.MissingStopSequence, at, 0, 0,
                $"None of the {stops} completion(s) that CompletionTemplate=\"{Show(text)}\" of <FineTuneSource Include=\"{item}\"> builds ends with the stop sequence \"{stop}\": end the template with it, CompletionTemplate=\"{Show(text)}{stop}\" (or set FineTuneFormattingMode=Append).");
        }

        _templateSource = null;
        _deferred.Clear();
    }

    private SourceFile? _templateSource;
    private readonly Dictionary<TemplateFailures, Deferred> _deferred = [];

    /// <summary>
    /// The Strict-mode failures of one rule in a source whose field comes from a template the user wrote: held back
    /// while every row fails (then the template is the cause, reported once), released at the first row that passes.
    /// </summary>
    private sealed class Deferred
    {
        public List<Diagnostic> Pending { get; } = [];

        public bool Mixed { get; set; }
    }

    private void BeginTemplateSource(SourceFile source)
    {
        _templateSource = source;
        _deferred.Clear();
        if (source.PromptTemplate is not null)
        {
            _deferred[TemplateFailures.Separator] = new Deferred();
        }

        if (source.CompletionTemplate is not null)
        {
            _deferred[TemplateFailures.LeadingSpace] = new Deferred();
            _deferred[TemplateFailures.StopSequence] = new Deferred();
        }
    }

    private void Fail(TemplateFailures rule, DiagnosticDescriptor descriptor, string file, int line, int column, string message)
    {
        if (_deferred.TryGetValue(rule, out var deferred) && !deferred.Mixed)
        {
            deferred.Pending.Add(new Diagnostic(descriptor.Code, descriptor.DefaultSeverity, file, line, column, message));
            return;
        }

        _diagnostics.Report(descriptor, file, line, column, message);
    }

    private void Pass(TemplateFailures rule)
    {
        if (_deferred.TryGetValue(rule, out var deferred) && !deferred.Mixed)
        {
            deferred.Mixed = true;
            foreach (var d in deferred.Pending)
            {
                _diagnostics.Report(d.Code, d.Severity, d.File, d.Line, d.Column, d.Message);
            }

            deferred.Pending.Clear();
        }
    }

    private int Failing(TemplateFailures rule) => _deferred.TryGetValue(rule, out var d) && !d.Mixed ? d.Pending.Count : 0;

    private static int IndexOf(string text, string value, int end)
        => end < value.Length ? -1 : text.IndexOf(value, 0, end, StringComparison.Ordinal) is var i && i >= 0 && i + value.Length <= end ? i : -1;

    /// <summary>The first non-newline character of an occurrence, so a multi-line separator points at its visible line.</summary>
    private static int FirstVisible(string text, int start, int length)
    {
        for (var i = start; i < start + length && i < text.Length; i++)
        {
            if (text[i] is not ('\n' or '\r'))
            {
                return i;
            }
        }

        return start;
    }

    /// <summary>The start of a value for a message: escaped, and cut after 40 characters so a long completion stays readable.</summary>
    internal static string Quote(string value, int max = 40)
    {
        if (value.Length > max)
        {
            // Never cut a surrogate pair in two.
            int cut = char.IsHighSurrogate(value[max - 1]) ? max - 1 : max;
            value = value[..cut] + "…";
        }

        return Show(value).Replace("\"", "\\\"");
    }

    /// <summary>Shows a separator with its escapes, as the user wrote it in the property.</summary>
    internal static string Show(string value) => value.Replace("\\", "\\\\").Replace("\n", "\\n").Replace("\r", "\\r").Replace("\t", "\\t");
}
