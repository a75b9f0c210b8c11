using System.Globalization;
using System.Text;
using FineTune.Build.Reports;

namespace FineTune.Build.Diffs;

/// <summary>
/// A dataset diff as GitHub-flavoured Markdown for a pull-request comment: the figures' movement, the class
/// balance, then every added, changed and removed example with its place (linked when a link base is given).
/// </summary>
public static class DiffMarkdownWriter
{
    /// <summary>Examples listed per kind; the rest are counted (the JSON has them all).</summary>
    public const int MaxListed = 200;

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <param name="diff">The diff.</param>
    /// <param name="headLinkBase">Where head files link to (for example https://github.com/o/r/blob/&lt;sha&gt;/); null for no links.</param>
    /// <param name="baseLinkBase">Where base files (removed examples) link to.</param>
    public static string Write(DatasetDiff diff, string? headLinkBase = null, string? baseLinkBase = null)
    {
        var (b, h) = (diff.Base.Figures, diff.Head.Figures);
        var md = new StringBuilder();
        md.Append("### Dataset diff: ").Append(SummaryWriter.Escape(diff.Head.Dataset)).Append('\n').Append('\n');
        md.Append('`').Append(SummaryWriter.Escape(diff.Base.Label)).Append("` → `").Append(SummaryWriter.Escape(diff.Head.Label)).Append("`: ")
            .Append(diff.IsEmpty ? "no example changed" : $"**{diff.Added.Count}** added, **{diff.Changed.Count}** changed, **{diff.Removed.Count}** removed")
            .Append(" (").Append(N(diff.Unchanged)).Append(" unchanged).\n\n");
        md.Append("| | Base | Head | Change |\n|---|--:|--:|--:|\n");
        Row(md, "Examples", b.Examples, h.Examples);
        Row(md, "Train", b.Train, h.Train);
        Row(md, "Validation", b.Validation, h.Validation);
        Row(md, "Tokens", b.Tokens, h.Tokens);
        Row(md, "Billed tokens", b.BilledTokens, h.BilledTokens);
        md.Append("| Estimated cost | ").Append(Usd(b.EstimatedCost)).Append(" | ").Append(Usd(h.EstimatedCost)).Append(" | ")
            .Append(b.EstimatedCost is { } bc && h.EstimatedCost is { } hc ? Signed(hc - bc, "$0.00") : "").Append(" |\n");
        Row(md, "Errors", b.Errors, h.Errors);
        Row(md, "Warnings", b.Warnings, h.Warnings);

        var classes = diff.Classes().ToList();
        if (classes.Count > 0)
        {
            md.Append("\n#### Class balance\n\n| Class | Base | Head | Change | Share (head) |\n|---|--:|--:|--:|--:|\n");
            var total = Math.Max(1, classes.Sum(c => c.Head));
            foreach (var (label, before, after) in classes)
            {
                md.Append("| `").Append(SummaryWriter.Escape(label)).Append("` | ").Append(N(before)).Append(" | ").Append(N(after)).Append(" | ")
                    .Append(Signed(after - before)).Append(" | ").Append((100.0 * after / total).ToString("0.0", Invariant)).Append("% |\n");
            }
        }

        List("Added", diff.Added, e => Place(e.Head!, headLinkBase) + " " + Quote(e.Head!.Key) + " → " + Quote(e.Head.Value));
        List("Changed", diff.Changed, Changed);
        List("Removed", diff.Removed, e => Place(e.Base!, baseLinkBase) + " " + Quote(e.Base!.Key) + " → " + Quote(e.Base.Value));
        return md.ToString();

        void List(string title, List<ExampleChange> changes, Func<ExampleChange, string> line)
        {
            if (changes.Count == 0)
            {
                return;
            }

            md.Append("\n<details").Append(changes.Count <= 20 ? " open" : "").Append("><summary><b>").Append(title).Append("</b> (").Append(N(changes.Count)).Append(")</summary>\n\n");
            foreach (var change in changes.Take(MaxListed))
            {
                md.Append("- ").Append(line(change)).Append('\n');
            }

            if (changes.Count > MaxListed)
            {
                md.Append("- … and ").Append(N(changes.Count - MaxListed)).Append(" more (see the JSON diff)\n");
            }

            md.Append("\n</details>\n");
        }

        string Changed(ExampleChange e)
        {
            var (before, after) = (e.Base!, e.Head!);
            var line = Place(after, headLinkBase) + " " + Quote(after.Key);
            if (before.Value != after.Value)
            {
                line += ": " + Quote(before.Value) + " → " + Quote(after.Value);
            }

            return before.Key == after.Key ? line
                : line + (before.Value == after.Value ? ": prompt changed" : " (prompt changed too)") + (Quote(before.Key) == Quote(after.Key) ? "" : ", was " + Quote(before.Key));
        }
    }

    private static string Place(SnapshotExample example, string? linkBase)
    {
        var id = example.Id is null ? "" : "**" + SummaryWriter.Escape(example.Id) + "** ";
        var where = "`" + SummaryWriter.Escape(example.Where) + "`";
        return linkBase is null ? id + where : $"{id}[{where}]({linkBase}{Uri.EscapeDataString(example.File).Replace("%2F", "/")}#L{example.Line})";
    }

    /// <summary>A short one-line quote of a text (at most 80 characters).</summary>
    private static string Quote(string text)
    {
        var line = text.ReplaceLineEndings(" ").Trim();
        return "`" + SummaryWriter.Escape(line.Length > 80 ? line[..79] + "…" : line) + "`";
    }

    private static void Row(StringBuilder md, string name, long before, long after)
        => md.Append("| ").Append(name).Append(" | ").Append(N(before)).Append(" | ").Append(N(after)).Append(" | ").Append(Signed(after - before)).Append(" |\n");

    private static string N(long value) => value.ToString("#,0", Invariant);

    private static string Signed(long delta) => delta == 0 ? "0" : (delta > 0 ? "+" : "−") + N(Math.Abs(delta));

    private static string Signed(decimal delta, string format) => delta == 0 ? "0" : (delta > 0 ? "+" : "−") + Math.Abs(delta).ToString(format, Invariant);

    private static string Usd(decimal? value) => value is { } v ? v.ToString("$0.00", Invariant) : "n/a";
}
