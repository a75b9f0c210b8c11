using System.Text;
using FineTune.Build.Evaluation;

namespace FineTune.Build.Reports;

/// <summary>
/// The evaluation section of the report (docs/evaluation.md): added after publish evaluates the model, into the page
/// the compile wrote. Self-contained (inline styles only) so it does not depend on the page's layout: it goes before
/// &lt;/main&gt; (else &lt;/body&gt;) and replaces the section of an earlier evaluation.
/// </summary>
public static partial class HtmlReportWriter
{
    private const string EvaluationStart = "<!-- finetune:evaluation -->";
    private const string EvaluationEnd = "<!-- /finetune:evaluation -->";

    /// <summary>The page with <paramref name="report"/>'s evaluation section in place of any earlier one.</summary>
    public static string WithEvaluation(string html, EvaluationReport report)
    {
        var section = EvaluationSection(report);
        var start = html.IndexOf(EvaluationStart, StringComparison.Ordinal);
        var end = start < 0 ? -1 : html.IndexOf(EvaluationEnd, start, StringComparison.Ordinal);
        if (start >= 0 && end > start)
        {
            return html[..start] + section + html[(end + EvaluationEnd.Length)..];
        }

        var at = html.LastIndexOf("</main>", StringComparison.Ordinal);
        if (at < 0)
        {
            at = html.LastIndexOf("</body>", StringComparison.Ordinal);
        }

        return at < 0 ? html + section : html[..at] + section + html[at..];
    }

    /// <summary>The section alone, between its markers.</summary>
    public static string EvaluationSection(EvaluationReport report)
    {
        var html = new StringBuilder();
        html.Append(EvaluationStart).Append('\n');
        html.Append("<section id=\"evaluation\"><h2>Evaluation of <code>").Append(E(report.Model)).Append("</code></h2>\n");
        html.Append("<p>").Append(E(report.SummaryLine())).Append("</p>\n");
        html.Append("<p class=\"none\">").Append(N(report.Examples)).Append(" of ").Append(N(report.ValidationExamples))
            .Append(" validation example(s) · ").Append(E(report.Format)).Append(" · ").Append(E(report.Endpoint)).Append("</p>\n");
        if (report.Classification is { } c)
        {
            ConfusionTable(html, c);
            html.Append("<table>\n<thead><tr><th>Class</th><th class=\"n\">Support</th><th class=\"n\">Predicted</th><th class=\"n\">Precision</th><th class=\"n\">Recall</th><th class=\"n\">F1</th></tr></thead>\n<tbody>\n");
            foreach (var m in c.PerClass)
            {
                html.Append("<tr><td><code>").Append(E(m.Label)).Append("</code></td>").Append(Td(m.Support)).Append(Td(m.Predicted))
                    .Append(Invariant, $"<td class=\"n\">{m.Precision:0.000}</td><td class=\"n\">{m.Recall:0.000}</td><td class=\"n\">{m.F1:0.000}</td></tr>\n");
            }

            html.Append("</tbody>\n</table>\n");
        }

        if (report.Generation is { } g)
        {
            html.Append("<table>\n<tbody>\n")
                .Append(Invariant, $"<tr><td>Exact match</td><td class=\"n\">{g.ExactMatch * 100:0.0}%</td><td class=\"n\">{g.ExactMatches} / {g.Examples}</td></tr>\n")
                .Append(Invariant, $"<tr><td>Normalised match (case, whitespace)</td><td class=\"n\">{g.NormalizedMatch * 100:0.0}%</td><td class=\"n\">{g.NormalizedMatches} / {g.Examples}</td></tr>\n")
                .Append(Invariant, $"<tr><td>Stopped at the stop sequence</td><td class=\"n\">{g.StopCompliance * 100:0.0}%</td><td class=\"n\">{g.Stopped} / {g.Examples}</td></tr>\n")
                .Append(Invariant, $"<tr><td>Mean output tokens</td><td class=\"n\">{g.MeanOutputTokens:0.#}</td><td></td></tr>\n")
                .Append("</tbody>\n</table>\n");
        }

        html.Append("</section>\n").Append(EvaluationEnd).Append('\n');
        return html.ToString();
    }

    /// <summary>Rows: expected class; columns: predicted class and "other". Each cell shaded by its share of its row.</summary>
    private static void ConfusionTable(StringBuilder html, ClassificationMetrics c)
    {
        html.Append("<table class=\"confusion\" aria-label=\"Confusion matrix\">\n<thead><tr><th>expected \\ predicted</th>");
        foreach (var label in c.Classes)
        {
            html.Append("<th class=\"n\"><code>").Append(E(label)).Append("</code></th>");
        }

        html.Append("<th class=\"n\"><i>").Append(ClassificationMetrics.Other).Append("</i></th></tr></thead>\n<tbody>\n");
        for (var r = 0; r < c.Classes.Count; r++)
        {
            var row = c.Confusion[r];
            var total = Math.Max(1, row.Sum());
            html.Append("<tr><th><code>").Append(E(c.Classes[r])).Append("</code></th>");
            for (var col = 0; col < row.Count; col++)
            {
                var share = (double)row[col] / total;
                // Blue on the diagonal (right), red elsewhere (wrong); the darker, the larger the share of the row.
                var rgb = col == r ? "47,111,222" : "198,40,40";
                html.Append(Invariant, $"<td class=\"n\" style=\"background: rgba({rgb},{share * 0.85:0.###}); color: {(share > 0.5 ? "#fff" : "inherit")}\" title=\"{row[col]} of {row.Sum()} ({share * 100:0}%)\">{N(row[col])}</td>");
            }

            html.Append("</tr>\n");
        }

        html.Append("</tbody>\n</table>\n");
    }
}
