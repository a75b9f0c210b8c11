namespace FineTune.Build.Sdk.Tests;

/// <summary>The standard MSBuild ways to extend a build work on a dataset project, and never drop the compile.</summary>
[TestClass]
public sealed class ExtensionPointTests
{
    [TestMethod]
    public void BuildDependsOn_ExtendedInTheProject_KeepsTheCompileAndRunsTheStep()
    {
        using var project = new SdkProject();
        project.WriteProject("""
              <PropertyGroup>
                <BuildDependsOn>$(BuildDependsOn);MyStep</BuildDependsOn>
              </PropertyGroup>
              <Target Name="MyStep" />
            """);

        var evaluated = project.Evaluate();

        var build = Split(evaluated.GetPropertyValue("BuildDependsOn"));
        CollectionAssert.IsSubsetOf(new[] { "BeforeBuild", "CoreBuild", "AfterBuild", "MyStep" }, build);
        CollectionAssert.Contains(Split(evaluated.GetPropertyValue("CoreBuildDependsOn")), "Compile");
        CollectionAssert.Contains(Split(evaluated.GetPropertyValue("CompileDependsOn")), "GetFineTuneOutputs");
        Assert.IsFalse(build.Contains("CoreCompile"), "no C# compile");
    }

    [TestMethod]
    public void FineTuneCompileDependsOn_RunsBeforeTheCompile_AfterFineTuneCompileAfterIt()
    {
        using var project = new SdkProject();
        project.WriteProject("""
              <PropertyGroup>
                <FineTuneCompileDependsOn>GenerateExamples</FineTuneCompileDependsOn>
                <CleanDependsOn>$(CleanDependsOn);MyClean</CleanDependsOn>
              </PropertyGroup>
              <Target Name="GenerateExamples" />
              <Target Name="MyClean" />
            """);

        var evaluated = project.Evaluate();

        var compile = Split(evaluated.GetPropertyValue("FineTuneCompileDependsOn"));
        CollectionAssert.AreEqual(new[] { "GenerateExamples", "_FineTuneCheckMSBuildRuntime", "BeforeFineTuneCompile", "_FineTuneWriteInputsCache" }, compile);
        Assert.AreEqual("$(FineTuneCompileDependsOn)", evaluated.Targets["FineTuneCompile"].DependsOnTargets);
        CollectionAssert.AreEqual(new[] { "FineTuneCompile", "AfterFineTuneCompile" }, Split(evaluated.GetPropertyValue("GetFineTuneOutputsDependsOn")));
        CollectionAssert.IsSubsetOf(new[] { "CoreClean", "FineTuneClean", "MyClean" }, Split(evaluated.GetPropertyValue("CleanDependsOn")));
        Assert.IsTrue(evaluated.Targets.ContainsKey("BeforeFineTuneCompile"));
        Assert.IsTrue(evaluated.Targets.ContainsKey("AfterFineTuneCompile"));
    }

    [TestMethod]
    public void RedefinedBeforeAndAfterTargets_ReplaceTheEmptyOnes()
    {
        using var project = new SdkProject();
        project.WriteProject("""
              <Target Name="BeforeFineTuneCompile"><Message Text="before" /></Target>
            """);
        project.WriteFile("Directory.Build.targets", """
            <Project>
              <Target Name="AfterFineTuneCompile"><Message Text="after" /></Target>
            </Project>
            """);

        var evaluated = project.Evaluate();

        Assert.AreEqual(1, evaluated.Targets["BeforeFineTuneCompile"].Tasks.Count);
        Assert.AreEqual(1, evaluated.Targets["AfterFineTuneCompile"].Tasks.Count);
    }

    [TestMethod]
    public void Incrementality_InputsAreSourcesSettingsAndTheSdk_OutputsAreTheTrainFileAndTheCompletionStamp()
    {
        using var project = new SdkProject("ads");
        project.WriteProject("<PropertyGroup><FineTuneModelCatalog>catalog.json</FineTuneModelCatalog></PropertyGroup>");
        project.WriteFile("ads.csv", "prompt,completion\n");
        project.WriteFile("b.yaml", "[]\n");

        var instance = project.Instance();
        var target = instance.Targets["FineTuneCompile"];
        var inputs = instance.ExpandString(target.Inputs).Split(';', StringSplitOptions.RemoveEmptyEntries).Select(Path.GetFileName).ToList();
        var outputs = instance.ExpandString(target.Outputs);

        // MSBuildAllProjects holds the newest imported file (here the project, written last): an SDK update or an
        // edited project or Directory.Build.* file recompiles.
        CollectionAssert.IsSubsetOf(new[] { "ads.csv", "b.yaml", "ads.finetune.inputs", "FineTune.Build.Tasks.dll", "catalog.json", "ads.proj" }, inputs);
        Assert.AreEqual(Path.Combine(project.Directory, "bin", "Debug", "ads.train.jsonl") + ";" + Path.Combine(project.Directory, "obj", "Debug", "ads.finetune.complete"), outputs);
    }

    [TestMethod]
    public void CopyToOutputDirectory_OptIn_MakesTheJsonlContentOfReferencingProjects()
    {
        using var project = new SdkProject("ads");
        project.WriteProject("<PropertyGroup><FineTuneCopyToOutputDirectory>PreserveNewest</FineTuneCopyToOutputDirectory></PropertyGroup>");

        var evaluated = project.Evaluate();

        Assert.AreEqual("PreserveNewest", evaluated.GetPropertyValue("FineTuneCopyToPublishDirectory"));
        CollectionAssert.Contains(Split(evaluated.GetPropertyValue("GetCopyToOutputDirectoryItemsDependsOn")), "_FineTuneAssignOutputContent");
        Assert.AreEqual("'$(FineTuneCopyToOutputDirectory)' != 'Never'", evaluated.Targets["_FineTuneAssignOutputContent"].Condition);
    }

    [TestMethod]
    public void RecordedModel_IsReadFromTheLockFilesCurrentEntry()
    {
        using var project = new SdkProject("ads");
        project.WriteProject();
        project.WriteFile("finetune.lock.json", """
            {
              "datasets": {
                "ads": {
                  "current": "bbbb",
                  "entries": {
                    "aaaa": {
                      "baseModel": "gpt-4o-mini-2024-07-18",
                      "error": "It's odd; 100% of $(x) and @(y) failed, \"quoted\"",
                      "files": {
                        "train": { "bytes": 1, "id": "file-1", "name": "ads.train.x.jsonl", "sha256": "00" }
                      },
                      "fineTunedModel": "ft:gpt-4o-mini-2024-07-18:org:ads:old",
                      "status": "succeeded"
                    },
                    "bbbb": {
                      "baseModel": "gpt-4o-mini-2024-07-18",
                      "files": {
                        "train": { "bytes": 1, "id": "file-2", "name": "ads.train.y.jsonl", "sha256": "01" }
                      },
                      "fineTunedModel": "ft:gpt-4o-mini-2024-07-18:org:ads:new",
                      "hyperparameters": { "epochs": 3 },
                      "status": "succeeded"
                    }
                  }
                },
                "other": { "current": "cccc", "entries": {} }
              },
              "version": 1
            }
            """);

        Assert.AreEqual("ft:gpt-4o-mini-2024-07-18:org:ads:new", project.Evaluate().GetPropertyValue("FineTuneRecordedModel"));
    }

    [TestMethod]
    public void RecordedModel_IsEmpty_WithoutALockFile()
    {
        using var project = new SdkProject("ads");
        project.WriteProject();

        Assert.AreEqual("", project.Evaluate().GetPropertyValue("FineTuneRecordedModel"));
    }

    private static List<string> Split(string list)
        => list.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
}
