using System.Globalization;
using System.Net;
using System.Text;
using FineTune.Build.Diagnostics;

namespace FineTune.Build.Reports;

/// <summary>
/// &lt;name&gt;.report.html: one self-contained page (inline CSS and SVG, no scripts, nothing fetched) that a person
/// reads at a glance: counts, token-length histogram, class balance, sources, violations and cost.
/// </summary>
public static partial class HtmlReportWriter
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string Write(DatasetReport report)
    {
        var all = TokenStatistics.Combine(report.TrainTokens, report.ValidationTokens);
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        html.Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        html.Append("<title>").Append(E(report.Dataset)).Append(" · FineTune.Build report</title>\n");
        html.Append("<style>\n").Append(Css).Append("</style>\n</head>\n<body>\n<main>\n");

        html.Append("<header><h1>").Append(E(report.Dataset)).Append("</h1>");
        html.Append(report.Succeeded
            ? "<span class=\"badge ok\">compiled</span>"
            : "<span class=\"badge fail\">failed: " + report.ErrorCount.ToString(Invariant) + " error(s)</span>");
        html.Append("<p class=\"sub\">").Append(E(report.Format)).Append(" format · ").Append(E(report.Task))
            .Append(" · base model <b>").Append(E(report.BaseModel ?? "(not set)")).Append("</b>");
        if (!report.ModelKnown && report.BaseModel is not null)
        {
            html.Append(" (not in the catalog)");
        }

        html.Append(" · tokenizer ").Append(E(report.Tokenizer)).Append("</p></header>\n");

        html.Append("<div class=\"cards\">\n");
        Card(html, "Examples", N(report.Examples), $"{N(report.TrainTokens.Examples)} train · {N(report.ValidationTokens.Examples)} validation");
        Card(html, "Tokens", N(all.Total), $"mean {all.Mean.ToString("0.#", Invariant)} · max {N(all.Max)} of {N(report.MaxExampleTokens)}");
        Card(html, "Billed tokens", N(report.BilledTokens), $"{report.Epochs} epoch(s), {(report.EpochsSource == "estimated" ? "estimated like the API default" : "FineTuneEpochs")}");
        Card(html, "Estimated cost", report.EstimatedCost is { } cost ? "$" + cost.ToString("0.00", Invariant) : "n/a",
            report.PricePerMillionTokens is { } price ? $"at ${price.ToString("0.00", Invariant)} per 1M training tokens" : "no price in the catalog");
        Card(html, "Diagnostics", $"{N(report.ErrorCount)} / {N(report.WarningCount)}", "errors / warnings");
        if (report.Task == "classification")
        {
            Card(html, "Classes", N(report.Classes.Count), $"validation fraction {report.ValidationFraction.ToString("0.##", Invariant)}");
        }

        html.Append("</div>\n");

        html.Append("<section><h2>Token length per example</h2>\n").Append(Histogram(all)).Append("</section>\n");
        if (report.Classes.Count > 0)
        {
            html.Append("<section><h2>Class balance</h2>\n").Append(ClassBars(report)).Append("</section>\n");
        }

        html.Append("<section><h2>Sources</h2>\n<div class=\"scroll\"><table>\n<thead><tr><th>Source</th><th class=\"n\">Examples</th><th class=\"n\">Train</th><th class=\"n\">Validation</th><th class=\"n\">Tokens</th><th class=\"n\">Errors</th><th class=\"n\">Warnings</th></tr></thead>\n<tbody>\n");
        foreach (var source in report.Sources)
        {
            html.Append("<tr><td><code>").Append(E(source.Path)).Append("</code></td>")
                .Append(Td(source.Examples)).Append(Td(source.Train)).Append(Td(source.Validation)).Append(Td(source.Tokens))
                .Append("<td class=\"n").Append(source.Errors > 0 ? " err" : "").Append("\">").Append(N(source.Errors)).Append("</td>")
                .Append("<td class=\"n").Append(source.Warnings > 0 ? " warn" : "").Append("\">").Append(N(source.Warnings)).Append("</td></tr>\n");
        }

        html.Append("</tbody>\n</table></div>\n</section>\n");

        html.Append("<section><h2>Violations</h2>\n");
        var shown = SummaryWriter.Sorted(report.Diagnostics).Where(d => d.Severity is DiagnosticSeverity.Error or DiagnosticSeverity.Warning).ToList();
        if (shown.Count == 0)
        {
            html.Append("<p class=\"none\">No errors or warnings.</p>\n");
        }
        else
        {
            html.Append("<table class=\"violations\">\n<thead><tr><th>Code</th><th>Level</th><th>Where</th><th>What to change</th></tr></thead>\n<tbody>\n");
            foreach (var d in shown)
            {
                var where = d.File is null ? "" : report.Relative(d.File) + (d.Line > 0 ? $"({d.Line},{d.Column})" : "");
                html.Append("<tr><td><code>").Append(E(d.Code)).Append("</code></td><td class=\"")
                    .Append(d.Severity == DiagnosticSeverity.Error ? "err" : "warn").Append("\">").Append(ReportWriters.Level(d.Severity))
                    .Append("</td><td><code>").Append(E(where)).Append("</code></td><td>").Append(E(d.Message)).Append("</td></tr>\n");
            }

            html.Append("</tbody>\n</table>\n");
            if (shown.Count < report.ErrorCount + report.WarningCount)
            {
                html.Append("<p class=\"none\">").Append(N(report.ErrorCount + report.WarningCount - shown.Count)).Append(" more not listed.</p>\n");
            }
        }

        html.Append("</section>\n");
        html.Append("<footer>FineTune.Build ").Append(E(ReportWriters.ToolVersion)).Append(" · cost is an estimate: billed tokens = epochs × training tokens.</footer>\n");
        html.Append("</main>\n</body>\n</html>\n");
        return html.ToString();
    }

    private static string Histogram(TokenStatistics tokens)
    {
        var first = Array.FindIndex(tokens.Histogram, c => c > 0);
        var last = Array.FindLastIndex(tokens.Histogram, c => c > 0);
        if (first < 0)
        {
            return "<p class=\"none\">No examples.</p>\n";
        }

        // Merge the fine buckets between the shortest and the longest example into at most 24 bars.
        var span = last - first + 1;
        var perBar = (span + 23) / 24;
        var bars = new List<(long From, long To, long Count)>();
        for (var b = first; b <= last; b += perBar)
        {
            var end = Math.Min(last, b + perBar - 1);
            long count = 0;
            for (var i = b; i <= end; i++)
            {
                count += tokens.Histogram[i];
            }

            bars.Add((TokenStatistics.BucketStart(b), TokenStatistics.BucketStart(end + 1) - 1, count));
        }

        var max = bars.Max(b => b.Count);
        const int width = 720, height = 230, top = 20, bottom = 46, left = 48;
        var barWidth = (width - left - 10) / (double)bars.Count;
        var svg = new StringBuilder();
        svg.Append(Invariant, $"<svg class=\"chart\" viewBox=\"0 0 {width} {height}\" role=\"img\" aria-label=\"Token length histogram\">\n");
        svg.Append(Invariant, $"<line x1=\"{left}\" y1=\"{height - bottom}\" x2=\"{width - 5}\" y2=\"{height - bottom}\" class=\"axis\"/>\n");
        svg.Append(Invariant, $"<text x=\"{left - 6}\" y=\"{top + 4}\" class=\"tick\" text-anchor=\"end\">{N(max)}</text>\n");
        svg.Append(Invariant, $"<text x=\"{left - 6}\" y=\"{height - bottom}\" class=\"tick\" text-anchor=\"end\">0</text>\n");
        var labelEvery = Math.Max(1, (bars.Count + 5) / 6);
        for (var i = 0; i < bars.Count; i++)
        {
            var (from, to, value) = bars[i];
            var barHeight = max == 0 ? 0 : (height - top - bottom) * value / (double)max;
            var x = left + i * barWidth + 1;
            var y = height - bottom - barHeight;
            var label = from == to ? N(from) : $"{N(from)}–{N(to)}";
            svg.Append(Invariant, $"<rect x=\"{x:0.#}\" y=\"{y:0.#}\" width=\"{Math.Max(1, barWidth - 2):0.#}\" height=\"{barHeight:0.#}\" class=\"bar\"><title>{label} tokens: {value} example(s)</title></rect>\n");
            if (value > 0 && bars.Count <= 16)
            {
                svg.Append(Invariant, $"<text x=\"{x + barWidth / 2 - 1:0.#}\" y=\"{y - 4:0.#}\" class=\"val\" text-anchor=\"middle\">{N(value)}</text>\n");
            }

            if (i % labelEvery == 0)
            {
                var tick = bars.Count <= 8 ? label : N(from);
                svg.Append(Invariant, $"<text x=\"{x + barWidth / 2 - 1:0.#}\" y=\"{height - bottom + 16}\" class=\"tick\" text-anchor=\"middle\">{tick}</text>\n");
            }
        }

        svg.Append(Invariant, $"<text x=\"{(left + width) / 2}\" y=\"{height - 8}\" class=\"tick\" text-anchor=\"middle\">tokens per example</text>\n");
        svg.Append("</svg>\n");
        return svg.ToString();
    }

    private static string ClassBars(DatasetReport report)
    {
        var classes = report.Classes.Take(40).ToList();
        var max = classes.Max(c => c.Value.Total);
        const int width = 720, row = 26, left = 180;
        var height = classes.Count * row + 30;
        var svg = new StringBuilder();
        svg.Append(Invariant, $"<svg class=\"chart\" viewBox=\"0 0 {width} {height}\" role=\"img\" aria-label=\"Class balance\">\n");
        for (var i = 0; i < classes.Count; i++)
        {
            var (label, stats) = classes[i];
            var y = 10 + i * row;
            var scale = (width - left - 90) / (double)Math.Max(1, max);
            var trainWidth = stats.Train * scale;
            var validationWidth = stats.Validation * scale;
            var shortLabel = label.Length > 24 ? label[..23] + "…" : label;
            svg.Append(Invariant, $"<text x=\"{left - 8}\" y=\"{y + 15}\" class=\"tick\" text-anchor=\"end\">{E(shortLabel)}</text>\n");
            svg.Append(Invariant, $"<rect x=\"{left}\" y=\"{y + 3}\" width=\"{trainWidth:0.#}\" height=\"{row - 8}\" class=\"bar\"><title>{E(label)}: {stats.Train} train</title></rect>\n");
            svg.Append(Invariant, $"<rect x=\"{left + trainWidth:0.#}\" y=\"{y + 3}\" width=\"{validationWidth:0.#}\" height=\"{row - 8}\" class=\"bar2\"><title>{E(label)}: {stats.Validation} validation</title></rect>\n");
            svg.Append(Invariant, $"<text x=\"{left + trainWidth + validationWidth + 6:0.#}\" y=\"{y + 15}\" class=\"val\">{N(stats.Total)}{(stats.Total < 100 ? " (under 100)" : "")}{(stats.SingleToken ? "" : " · multi-token")}</text>\n");
        }

        svg.Append(Invariant, $"<rect x=\"{left}\" y=\"{height - 16}\" width=\"10\" height=\"10\" class=\"bar\"/><text x=\"{left + 14}\" y=\"{height - 7}\" class=\"tick\">train</text>\n");
        svg.Append(Invariant, $"<rect x=\"{left + 70}\" y=\"{height - 16}\" width=\"10\" height=\"10\" class=\"bar2\"/><text x=\"{left + 84}\" y=\"{height - 7}\" class=\"tick\">validation</text>\n");
        svg.Append("</svg>\n");
        if (report.Classes.Count > classes.Count)
        {
            svg.Append("<p class=\"none\">").Append(report.Classes.Count - classes.Count).Append(" more classes not drawn.</p>\n");
        }

        return svg.ToString();
    }

    private static void Card(StringBuilder html, string title, string value, string detail)
        => html.Append("<div class=\"card\"><div class=\"t\">").Append(E(title)).Append("</div><div class=\"v\">").Append(E(value))
            .Append("</div><div class=\"d\">").Append(E(detail)).Append("</div></div>\n");

    private static string Td(long value) => "<td class=\"n\">" + N(value) + "</td>";

    private static string N(long value) => value.ToString("#,0", Invariant);

    private static string E(string text) => WebUtility.HtmlEncode(text);

    private const string Css = """
        :root { color-scheme: light; --ink: #1f2328; --muted: #59636e; --line: #d1d9e0; --bar: #2f6fde; --bar2: #f0a030; --err: #c62828; --warn: #b26a00; }
        body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: #f6f8fa; }
        main { max-width: 1000px; margin: 0 auto; padding: 24px; }
        header h1 { display: inline; font-size: 26px; margin: 0 12px 0 0; }
        .badge { padding: 2px 10px; border-radius: 12px; font-size: 13px; font-weight: 600; vertical-align: 4px; }
        .badge.ok { background: #dafbe1; color: #116329; } .badge.fail { background: #ffebe9; color: var(--err); }
        .sub { color: var(--muted); margin: 6px 0 18px; }
        .cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: 12px; }
        .card { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; }
        .card .t { color: var(--muted); font-size: 13px; } .card .v { font-size: 24px; font-weight: 650; } .card .d { color: var(--muted); font-size: 12px; }
        .cards { margin-top: 0; }
        section { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 14px 18px; margin-top: 16px; }
        h2 { font-size: 17px; margin: 0 0 10px; }
        .chart { width: 100%; height: auto; } .bar { fill: var(--bar); } .bar2 { fill: var(--bar2); } .axis { stroke: var(--line); }
        .tick { font-size: 11px; fill: var(--muted); } .val { font-size: 11px; fill: var(--ink); }
        table { width: 100%; border-collapse: collapse; font-size: 13px; } th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
        th { color: var(--muted); font-weight: 600; } .n { text-align: right; font-variant-numeric: tabular-nums; }
        .err { color: var(--err); font-weight: 600; } .warn { color: var(--warn); font-weight: 600; }
        .none { color: var(--muted); } code { font: 12px ui-monospace, SFMono-Regular, Menlo, monospace; }
        footer { color: var(--muted); font-size: 12px; margin: 18px 0; }
        .scroll { overflow-x: auto; } td { overflow-wrap: anywhere; } code { overflow-wrap: anywhere; word-break: break-word; }
        @media (max-width: 600px) {
          main { padding: 10px; } header h1 { font-size: 21px; } section { padding: 10px; }
          .cards { grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 8px; } .card .v { font-size: 19px; }
          th, td { padding: 4px 5px; } table { font-size: 12px; }
          .violations thead { display: none; } .violations tr { display: block; border-bottom: 1px solid var(--line); padding: 4px 0; }
          .violations td { display: inline; border: 0; padding: 2px 4px; } .violations td:last-child { display: block; }
        }

        """;
}
