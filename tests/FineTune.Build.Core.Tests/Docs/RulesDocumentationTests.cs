using System.Text.RegularExpressions;
using FineTune.Build.Diagnostics;

namespace FineTune.Build.Core.Tests.Docs;

/// <summary>docs/rules.md lists every diagnostic code, and nothing else.</summary>
[TestClass]
public sealed class RulesDocumentationTests
{
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
        var missing = DiagnosticCodes.All.Select(d => d.Code).Where(c => !headings.Contains(c)).ToList();
        Assert.IsEmpty(missing, "codes without a '### FTnnnn' heading in docs/rules.md: " + string.Join(", ", missing));
    }

    [TestMethod]
    public void EveryHeading_IsARealCode_OnceAndInOrder()
    {
        var headings = Headings();
        var unknown = headings.Where(h => DiagnosticCodes.Find(h) is null).ToList();
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
            var descriptor = DiagnosticCodes.Find(section.Groups[1].Value)!;
            Assert.AreEqual(descriptor.DefaultSeverity.ToString(), section.Groups[2].Value, section.Groups[1].Value);
        }
    }

    [TestMethod]
    public void Codes_AreWellFormedAndUnique()
    {
        var codes = DiagnosticCodes.All.Select(d => d.Code).ToList();
        Assert.IsTrue(codes.All(c => Regex.IsMatch(c, @"^FT\d{4}$")), string.Join(", ", codes));
        Assert.HasCount(codes.Distinct().Count(), codes);
    }
}
