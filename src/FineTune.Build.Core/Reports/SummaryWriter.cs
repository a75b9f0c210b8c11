using System.Globalization;
using System.Text;
using FineTune.Build.Diagnostics;

namespace FineTune.Build.Reports;

/// <summary>
/// &lt;name&gt;.summary.md: the dataset at a glance for a reviewer, in GitHub-flavoured Markdown (examples, split,
/// classes and balance, tokens, cost, the top findings with links to file and line). The build appends it to
/// $GITHUB_STEP_SUMMARY when that is set. Deterministic: no timestamps, paths relative to the repository root.
/// </summary>
public static class SummaryWriter
{
    /// <summary>Findings listed; the rest are counted.</summary>
    public const int TopFindings = 20;

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <param name="report">The compile's report.</param>
    /// <param name="linkBase">
    /// The URL that file links start from (for example https://github.com/owner/repo/blob/sha/); null links relative
    /// to the repository root, which GitHub resolves on a PR comment.
    /// </param>
    public static string Write(DatasetReport report, string? linkBase = null)
    {
        var root = SarifWriter.RepositoryRoot(report.BaseDirectory);
        var all = TokenStatistics.Combine(report.TrainTokens, report.ValidationTokens);
        var md = new StringBuilder();
        md.Append("### ").Append(report.Succeeded ? ":white_check_mark: " : ":x: ").Append(Escape(report.Dataset))
            .Append(report.Succeeded ? " compiled" : $" failed: {N(report.ErrorCount)} error(s)").Append('\n').Append('\n');
        md.Append("| | |\n|---|---|\n");
        md.Append("| Base model | `").Append(report.BaseModel ?? "(not set)").Append('`').Append(report.ModelKnown || report.BaseModel is null ? "" : " (not in the catalog)").Append(" |\n");
        md.Append("| Format · task | ").Append(report.Format).Append(" · ").Append(report.Task).Append(" |\n");
        md.Append("| Examples | ").Append(N(report.Examples)).Append(" (").Append(N(report.TrainTokens.Examples)).Append(" train · ")
            .Append(N(report.ValidationTokens.Examples)).Append(" validation, fraction ").Append(report.ValidationFraction.ToString("0.##", Invariant)).Append(") |\n");
        md.Append("| Tokens | ").Append(N(all.Total)).Append(" (mean ").Append(all.Mean.ToString("0.#", Invariant)).Append(", max ")
            .Append(N(all.Max)).Append(" of ").Append(N(report.MaxExampleTokens)).Append(") |\n");
        md.Append("| Billed tokens | ").Append(N(report.BilledTokens)).Append(" (").Append(report.Epochs ?? 0).Append(" epoch(s), ")
            .Append(report.EpochsSource == "estimated" ? "estimated" : "FineTuneEpochs").Append(") |\n");
        md.Append("| Estimated cost | ").Append(report.EstimatedCost is { } cost ? "$" + cost.ToString("0.00", Invariant) : "n/a").Append(" |\n");
        md.Append("| Errors · warnings | ").Append(N(report.ErrorCount)).Append(" · ").Append(N(report.WarningCount)).Append(" |\n");

        if (report.Classes.Count > 0)
        {
            md.Append("\n<details><summary>").Append(N(report.Classes.Count)).Append(" class(es)</summary>\n\n");
            md.Append("| Class | Examples | Share | Train | Validation |\n|---|--:|--:|--:|--:|\n");
            var total = Math.Max(1, report.Classes.Values.Sum(c => c.Total));
            foreach (var (label, stats) in report.Classes.Take(50))
            {
                md.Append("| `").Append(Escape(label)).Append("` | ").Append(N(stats.Total)).Append(" | ")
                    .Append((100.0 * stats.Total / total).ToString("0.0", Invariant)).Append("% | ").Append(N(stats.Train)).Append(" | ").Append(N(stats.Validation)).Append(" |\n");
            }

            if (report.Classes.Count > 50)
            {
                md.Append("\n").Append(N(report.Classes.Count - 50)).Append(" more class(es) in the report.\n");
            }

            md.Append("\n</details>\n");
        }

        var findings = Sorted(report.Diagnostics).Where(d => d.Severity is DiagnosticSeverity.Error or DiagnosticSeverity.Warning).ToList();
        if (findings.Count > 0)
        {
            md.Append("\n#### Findings\n\n| | Code | Where | Message |\n|---|---|---|---|\n");
            foreach (var d in findings.Take(TopFindings))
            {
                var where = d.File is null ? "" : Path.GetRelativePath(root, d.File).Replace('\\', '/');
                var text = d.Line > 0 ? $"{where}({d.Line},{d.Column})" : where;
                var link = where.Length == 0 ? "" : $"[`{Escape(text)}`]({linkBase}{Uri.EscapeDataString(where).Replace("%2F", "/")}{(d.Line > 0 ? $"#L{d.Line}" : "")})";
                md.Append("| ").Append(d.Severity == DiagnosticSeverity.Error ? ":x:" : ":warning:").Append(" | [")
                    .Append(d.Code).Append("](").Append(d.HelpLink).Append(") | ").Append(link).Append(" | ").Append(Escape(d.Message)).Append(" |\n");
            }

            var more = report.ErrorCount + report.WarningCount - Math.Min(TopFindings, findings.Count);
            if (more > 0)
            {
                md.Append('\n').Append(N(more)).Append(" more finding(s) in the report and the SARIF file.\n");
            }
        }

        return md.ToString();
    }

    /// <summary>Errors first, then by file, line and column: the order the HTML report and the summary list findings in.</summary>
    public static IEnumerable<Diagnostic> Sorted(IEnumerable<Diagnostic> diagnostics)
        => diagnostics
            .OrderByDescending(d => d.Severity)
            .ThenBy(d => d.File ?? "", StringComparer.Ordinal)
            .ThenBy(d => d.Line)
            .ThenBy(d => d.Column);

    private static string N(long value) => value.ToString("#,0", Invariant);

    /// <summary>Keeps a value inside one table cell: pipes escaped, line breaks as spaces, HTML tags inert.</summary>
    internal static string Escape(string text)
        => text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("|", "\\|", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal)
            .Replace("`", "'", StringComparison.Ordinal).Replace("\r", "", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);
}
