using System.Text;
using FineTune.Build.EndToEnd.Tests.Infrastructure;
using FineTune.Build.FakeOpenAI;

namespace FineTune.Build.EndToEnd.Tests.Training;

/// <summary>
/// Real `dotnet build` and `dotnet publish`: a malformed answer, a broken lock file and an output path that is a
/// file each end as one FT error at a file, never an MSBuild task crash (MSB4018) or a stack trace.
/// </summary>
[TestClass]
public sealed class PublishFailureTests
{
    private readonly string _canary = "sk-canary-" + Guid.NewGuid().ToString("N");

    private static TestProject NewProject()
    {
        var project = TestProject.Create("ads", "<FineTuneBaseModel>babbage-002</FineTuneBaseModel>");
        var yaml = new StringBuilder("examples:\n");
        for (var i = 1; i <= 12; i++)
        {
            yaml.Append($"  - prompt: \"Company: company {i}\"\n    completion: \"An ad for product {i}.\"\n");
        }

        project.WriteFile("ads.yaml", yaml.ToString());
        return project;
    }

    private Dictionary<string, string?> Env(FakeOpenAIServer server) => new()
    {
        ["OPENAI_BASE_URL"] = server.BaseUrl,
        ["OPENAI_API_KEY"] = _canary,
    };

    private static void AssertNoCrash(DotNetResult result)
    {
        Assert.DoesNotContain("MSB4018", result.Output);
        Assert.DoesNotContain("MSB4181", result.Output);
        Assert.DoesNotContain("   at ", result.Output, "no stack trace");
        Assert.DoesNotContain("FT0004", result.Output);
    }

    [TestMethod]
    public async Task HtmlFromTheEndpoint_IsOneFT7024_AndADuplicatedLockKeyIsFT7008()
    {
        await using var server = await FakeOpenAIServer.StartAsync();
        server.AddFault(new Fault { Kind = FaultKind.Respond, ContentType = "text/html", Body = "<html><body>Please sign in</body></html>", Times = 100 });
        var project = NewProject();

        var html = project.Publish(Env(server), "-p:FineTuneTrainOnPublish=true");

        Assert.AreNotEqual(0, html.ExitCode, html.ToString());
        AssertNoCrash(html);
        // At the project file's first line: "ads.proj(1,1): error FT7024: ...".
        StringAssert.Contains(html.Output, "ads.proj(1,1): error FT7024: GET /v1/fine_tuning/jobs answered HTTP 200 with content type text/html ('<html><body>Please sign in</body></html>')");
        Assert.AreEqual(1, html.Output.Split('\n').Where(l => l.Contains("error FT", StringComparison.Ordinal)).Distinct().Count(), html.Output);
        Assert.IsEmpty(server.Jobs);
        Assert.DoesNotContain(_canary, html.Output);

        server.ClearFaults();
        project.WriteFile("finetune.lock.json", "{\n  \"datasets\": {},\n  \"datasets\": {},\n  \"version\": 1\n}\n");
        var duplicated = project.Publish(Env(server), "-p:FineTuneTrainOnPublish=true");

        Assert.AreNotEqual(0, duplicated.ExitCode, duplicated.ToString());
        AssertNoCrash(duplicated);
        var lockError = TestProject.Diagnostics(duplicated).Single(d => d.Level == "error");
        Assert.AreEqual(("FT7008", project.PathOf("finetune.lock.json"), 3, 3), (lockError.Code, lockError.File, lockError.Line, lockError.Column), duplicated.ToString());
        StringAssert.Contains(lockError.Message, "has the key 'datasets' twice at the top level (line 3), as a careless merge leaves it");
        Assert.IsEmpty(server.Jobs);
    }

    [TestMethod]
    public void OutputPathThatIsAFolder_IsFT0006NamingTheOutput()
    {
        var project = NewProject();
        // A folder where the compiled file should be: nothing can be moved into place.
        Directory.CreateDirectory(project.TrainFile);

        var result = project.Build();

        Assert.AreNotEqual(0, result.ExitCode, result.ToString());
        AssertNoCrash(result);
        StringAssert.Contains(result.Output, $"{project.TrainFile} : error FT0006: Cannot write '{project.TrainFile}'");
        StringAssert.Contains(result.Output, "no file or folder stands in the way of an output");
    }
}
