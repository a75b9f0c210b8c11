namespace FineTune.Build.Sdk.Tests;

/// <summary>Repository-wide settings reach dataset projects through Directory.Build.props and .targets.</summary>
[TestClass]
public sealed class DirectoryBuildTests
{
    [TestMethod]
    public void DirectoryBuildProps_SetsTheBaseModelAndNoWarn_ForEveryDatasetBelowIt()
    {
        using var root = new SdkProject("unused");
        root.WriteFile("Directory.Build.props", """
            <Project>
              <PropertyGroup>
                <FineTuneBaseModel>gpt-4o-mini-2024-07-18</FineTuneBaseModel>
                <NoWarn>$(NoWarn);FT4030</NoWarn>
              </PropertyGroup>
            </Project>
            """);
        using var first = CreateBelow(root, "ads");
        using var second = CreateBelow(root, "chat", "<PropertyGroup><FineTuneBaseModel>babbage-002</FineTuneBaseModel></PropertyGroup>");

        var ads = first.Evaluate();
        var chat = second.Evaluate();

        Assert.AreEqual("gpt-4o-mini-2024-07-18", ads.GetPropertyValue("FineTuneBaseModel"));
        StringAssert.Contains(ads.GetPropertyValue("NoWarn"), "FT4030");
        Assert.AreEqual("babbage-002", chat.GetPropertyValue("FineTuneBaseModel"), "the project overrides the repository");
        StringAssert.Contains(chat.GetPropertyValue("NoWarn"), "FT4030");
    }

    [TestMethod]
    public void DirectoryBuildTargets_IsImported_AfterTheProject()
    {
        using var project = new SdkProject();
        project.WriteProject("<PropertyGroup><FineTuneSplitSeed>7</FineTuneSplitSeed></PropertyGroup>");
        project.WriteFile("Directory.Build.targets", """
            <Project>
              <PropertyGroup>
                <RepoSeenSeed>$(FineTuneSplitSeed)</RepoSeenSeed>
              </PropertyGroup>
              <Target Name="RepoCheck" BeforeTargets="BeforeFineTuneCompile" />
            </Project>
            """);

        var evaluated = project.Evaluate();

        Assert.AreEqual("7", evaluated.GetPropertyValue("RepoSeenSeed"));
        Assert.IsTrue(evaluated.Targets.ContainsKey("RepoCheck"));
    }

    private static SdkProject CreateBelow(SdkProject root, string name, string body = "")
    {
        // A project in a subfolder of root's folder: MSBuild finds Directory.Build.props by walking up.
        var project = SdkProject.In(Path.Combine(root.Directory, name), name);
        project.WriteProject(body);
        return project;
    }
}
