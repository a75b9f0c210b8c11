using YamlDotNet.RepresentationModel;

namespace FineTune.Build.Core.Tests.Docs;

/// <summary>docs/ci/github-actions.yml: a workflow GitHub accepts, with the steps docs/ci.md promises.</summary>
[TestClass]
public sealed class CiWorkflowTests
{
    private static string Root()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "FineTune.Build.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("No FineTune.Build.sln above the test folder.");
    }

    private static YamlMappingNode Workflow()
    {
        var yaml = new YamlStream();
        using var reader = new StreamReader(Path.Combine(Root(), "docs", "ci", "github-actions.yml"));
        yaml.Load(reader);
        return (YamlMappingNode)yaml.Documents.Single().RootNode;
    }

    private static string S(YamlNode node, string key) => ((YamlScalarNode)((YamlMappingNode)node)[key]).Value!;

    private static bool Has(YamlNode node, string key) => ((YamlMappingNode)node).Children.ContainsKey(key);

    [TestMethod]
    public void Workflow_RunsOnPullRequestsAndMain_WithTheDocumentedSteps()
    {
        var workflow = Workflow();
        var on = (YamlMappingNode)workflow["on"];
        Assert.IsTrue(on.Children.ContainsKey("pull_request"));
        Assert.AreEqual("main", ((YamlSequenceNode)((YamlMappingNode)on["push"])["branches"]).Children.Cast<YamlScalarNode>().Single().Value);

        var jobs = (YamlMappingNode)workflow["jobs"];
        CollectionAssert.AreEqual(new[] { "build", "publish" }, jobs.Children.Keys.Cast<YamlScalarNode>().Select(k => k.Value).ToArray());
        foreach (var (_, job) in jobs.Children)
        {
            Assert.AreEqual("ubuntu-latest", S(job, "runs-on"));
            foreach (var step in (YamlSequenceNode)((YamlMappingNode)job)["steps"])
            {
                Assert.IsTrue(Has(step, "uses") ^ Has(step, "run"), "a step either uses an action or runs a script: " + step);
            }
        }

        var build = (YamlMappingNode)jobs["build"];
        var permissions = (YamlMappingNode)build["permissions"];
        Assert.AreEqual(("write", "write"), (S(permissions, "security-events"), S(permissions, "pull-requests")));
        var steps = ((YamlSequenceNode)build["steps"]).Cast<YamlMappingNode>().ToList();
        var uses = steps.Where(s => Has(s, "uses")).Select(s => S(s, "uses")).ToList();
        CollectionAssert.AreEqual(new[] { "actions/checkout@v4", "actions/setup-dotnet@v4", "github/codeql-action/upload-sarif@v3" }, uses);
        var byId = steps.Where(s => Has(s, "id")).ToDictionary(s => S(s, "id"), s => S(s, "run"));
        StringAssert.StartsWith(byId["build"], "dotnet build ");
        StringAssert.Contains(byId["diff"], "finetune diff \"origin/$BASE_REF\" HEAD --project \"$project\"");
        StringAssert.Contains(byId["diff"], "$GITHUB_STEP_SUMMARY");
        Assert.IsTrue(steps.Any(s => Has(s, "run") && S(s, "run").StartsWith("gh pr comment ", StringComparison.Ordinal)));
        Assert.IsFalse(steps.Where(s => Has(s, "run")).Any(s => S(s, "run").Contains("${{", StringComparison.Ordinal)), "event values reach scripts through env:, not pasted in");

        var publish = (YamlMappingNode)jobs["publish"];
        Assert.AreEqual("build", S(publish, "needs"));
        StringAssert.Contains(S(publish, "if"), "refs/heads/main");
        var train = ((YamlSequenceNode)publish["steps"]).Cast<YamlMappingNode>().Single(s => Has(s, "id") && S(s, "id") == "publish");
        StringAssert.StartsWith(S(train, "run"), "dotnet publish ");
        Assert.AreEqual("${{ secrets.OPENAI_API_KEY }}", S(train["env"], "OPENAI_API_KEY"));
    }

    [TestMethod]
    public void CiDoc_ShowsTheCheckedInWorkflow_Verbatim()
    {
        var workflow = File.ReadAllText(Path.Combine(Root(), "docs", "ci", "github-actions.yml"));
        var doc = File.ReadAllText(Path.Combine(Root(), "docs", "ci.md"));

        StringAssert.Contains(doc, "```yaml\n" + workflow + "```\n");
    }
}
