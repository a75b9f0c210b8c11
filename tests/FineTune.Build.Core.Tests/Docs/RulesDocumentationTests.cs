using System.Text.RegularExpressions;
using FineTune.Build.Diagnostics;
using FineTune.Build.Training;

namespace FineTune.Build.Core.Tests.Docs;

/// <summary>docs/rules.md lists every diagnostic code of every assembly (one registry), and nothing else; help links reach its rows.</summary>
[TestClass]
public sealed class RulesDocumentationTests
{
    private static DiagnosticRegistry Registry => FineTuneDiagnostics.Registry;

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "FineTune.Build.sln")))
            {
                return dir.FullName;
            }
        }

        Assert.Fail("FineTune.Build.sln not found above " + AppContext.BaseDirectory);
        return "";
    }

    private static string RulesMarkdown() => File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "rules.md"));

    private static List<string> Headings() => Regex.Matches(RulesMarkdown(), @"^### (\S+)\s*$", RegexOptions.Multiline).Select(m => m.Groups[1].Value).ToList();

    [TestMethod]
    public void EveryCode_HasAHeading()
    {
        var headings = Headings().ToHashSet(StringComparer.Ordinal);
        var missing = Registry.All.Select(d => d.Code).Where(c => !headings.Contains(c)).ToList();
        Assert.IsEmpty(missing, "codes without a '### FTnnnn' heading in docs/rules.md: " + string.Join(", ", missing));
    }

    [TestMethod]
    public void EveryHeading_IsARealCode_OnceAndInOrder()
    {
        var headings = Headings();
        var unknown = headings.Where(h => Registry.Find(h) is null).ToList();
        Assert.IsEmpty(unknown, "headings in docs/rules.md that are no diagnostic code: " + string.Join(", ", unknown));
        Assert.HasCount(headings.Distinct().Count(), headings, "a code is documented twice");
        CollectionAssert.AreEqual(headings.Order(StringComparer.Ordinal).ToList(), headings, "headings are in code order");
    }

    [TestMethod]
    public void TheDocumentedSeverity_IsTheDefaultSeverity()
    {
        var sections = Regex.Matches(RulesMarkdown(), @"^### (FT\d{4})\s*\n(Error|Warning|Info)\b", RegexOptions.Multiline);
        Assert.IsGreaterThan(40, sections.Count);
        foreach (Match section in sections)
        {
            var descriptor = Registry.Find(section.Groups[1].Value)!;
            Assert.AreEqual(descriptor.DefaultSeverity.ToString(), section.Groups[2].Value, section.Groups[1].Value);
        }
    }

    [TestMethod]
    public void Codes_AreWellFormedAndUnique()
    {
        var codes = Registry.All.Select(d => d.Code).ToList();
        Assert.IsTrue(codes.All(c => Regex.IsMatch(c, @"^FT\d{4}$")), string.Join(", ", codes));
        Assert.HasCount(codes.Distinct().Count(), codes);
    }

    /// <summary>The anchors GitHub gives the headings of docs/rules.md (lower case, spaces to '-', punctuation dropped).</summary>
    private static HashSet<string> Anchors() => Regex.Matches(RulesMarkdown(), @"^#{1,6} (.+?)\s*$", RegexOptions.Multiline)
        .Select(m => Regex.Replace(m.Groups[1].Value.Trim().ToLowerInvariant(), @"[^\p{L}\p{Nd}\- _]", "").Replace(' ', '-'))
        .ToHashSet(StringComparer.Ordinal);

    [TestMethod]
    public void EveryCode_HasAHelpLink_ToItsOwnAnchorInRulesMd()
    {
        var anchors = Anchors();
        Assert.IsGreaterThan(60, Registry.All.Count);
        foreach (var descriptor in Registry.All)
        {
            var link = descriptor.HelpLink;
            Assert.StartsWith(DiagnosticDescriptor.HelpLinkBase + "#", link, descriptor.Code);
            var anchor = link[(DiagnosticDescriptor.HelpLinkBase.Length + 1)..];
            Assert.AreEqual(descriptor.Code.ToLowerInvariant(), anchor, descriptor.Code);
            Assert.Contains(anchor, anchors, $"{descriptor.Code}: no heading in docs/rules.md has the anchor #{anchor}");
        }
    }

    [TestMethod]
    public void HelpLinkBase_PointsAtRulesMd_AndIsDocumentedThere()
    {
        Assert.EndsWith("/docs/rules.md", DiagnosticDescriptor.HelpLinkBase);
        StringAssert.Contains(RulesMarkdown(), DiagnosticDescriptor.HelpLinkBase);
    }

    [TestMethod]
    public void TrainingCodes_AreInTheRegistry_WithTheirSeverity()
    {
        Assert.AreEqual(DiagnosticSeverity.Warning, Registry.Find("FT7021")!.DefaultSeverity);
        Assert.AreEqual(DiagnosticSeverity.Error, Registry.Find("FT7001")!.DefaultSeverity);
        Assert.AreSame(TrainingDiagnostics.BetaIgnored, Registry.Find("FT7021"));
        Assert.AreSame(DiagnosticCodes.DuplicateExample, Registry.Find("FT6001"));
        Assert.IsTrue(TrainingDiagnostics.All.All(d => d.Code.StartsWith("FT7", StringComparison.Ordinal)));
        Assert.IsFalse(DiagnosticCodes.All.Any(d => d.Code.StartsWith("FT7", StringComparison.Ordinal)), "the core defines no training code");
    }
}
