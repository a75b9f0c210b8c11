namespace FineTune.Build.Sdk.Tests;

/// <summary>What a dataset project gets without setting anything: the fixed layout, sources, and the standard project shape.</summary>
[TestClass]
public sealed class SdkDefaultsTests
{
    [TestMethod]
    public void Outputs_AreInBinConfiguration_WithoutATargetFrameworkFolder()
    {
        using var project = new SdkProject("ads");
        project.WriteProject();

        var debug = project.Evaluate();
        var release = project.Evaluate(new Dictionary<string, string> { ["Configuration"] = "Release" });

        Assert.AreEqual(Path.Combine(project.Directory, "bin", "Debug", "ads.train.jsonl"), Path.GetFullPath(debug.GetPropertyValue("_FineTuneTrainFile")));
        Assert.AreEqual(Path.Combine(project.Directory, "bin", "Release", "ads.validation.jsonl"), Path.GetFullPath(release.GetPropertyValue("_FineTuneValidationFile")));
        Assert.AreEqual(Path.Combine(project.Directory, "obj", "Debug") + Path.DirectorySeparatorChar, debug.GetPropertyValue("_FineTuneIntermediateDir"));
        Assert.AreEqual("ads", debug.GetPropertyValue("FineTuneDatasetName"));
    }

    [TestMethod]
    public void Project_IsAnOrdinaryNonPackableNonTestProject_ThatProducesNoAssembly()
    {
        using var project = new SdkProject();
        project.WriteProject();

        var evaluated = project.Evaluate();

        Assert.AreEqual("true", evaluated.GetPropertyValue("UsingFineTuneBuildSdk"));
        Assert.AreEqual("netstandard2.0", evaluated.GetPropertyValue("TargetFramework"));
        Assert.AreEqual("false", evaluated.GetPropertyValue("IsPackable"));
        Assert.AreEqual("false", evaluated.GetPropertyValue("IsTestProject"));
        Assert.AreEqual("PackageReference", evaluated.GetPropertyValue("RestoreProjectStyle"));
        Assert.AreEqual("{13B669BE-BB05-4DDF-9536-439F39A36129}", evaluated.GetPropertyValue("DefaultProjectTypeGuid"));
        Assert.IsEmpty(evaluated.GetItems("IntermediateAssembly"));
        Assert.IsEmpty(evaluated.GetItems("Compile"));
        Assert.AreEqual("Never", evaluated.GetPropertyValue("FineTuneCopyToOutputDirectory"));

        // The standard targets a solution-wide command calls all exist (no MSB4057 for VSTest, Pack, ...).
        foreach (var target in new[] { "Build", "Rebuild", "Clean", "Restore", "Publish", "Pack", "VSTest", "GetCopyToOutputDirectoryItems", "GetCopyToPublishDirectoryItems", "GetTargetFrameworks" })
        {
            Assert.IsTrue(evaluated.Targets.ContainsKey(target), target);
        }
    }

    [TestMethod]
    public void DefaultSources_AreTheDatasetFiles_WithoutBinObjOrHiddenFolders()
    {
        using var project = new SdkProject();
        project.WriteProject();
        project.WriteFile("ads.csv", "prompt,completion\n");
        project.WriteFile("more/chat.yaml", "[]\n");
        project.WriteFile("old.jsonl", "");
        project.WriteFile("bin/Debug/ads.train.jsonl", "");
        project.WriteFile("obj/stale.yaml", "");
        project.WriteFile(".github/workflow.yml", "");
        project.WriteFile("notes.txt", "");

        var sources = project.Evaluate().GetItems("FineTuneSource").Select(i => i.EvaluatedInclude.Replace('\\', '/')).Order(StringComparer.Ordinal).ToList();

        CollectionAssert.AreEqual(new[] { "ads.csv", "more/chat.yaml", "old.jsonl" }, sources);
    }

    [TestMethod]
    public void ProjectProperties_WinOverSdkDefaults()
    {
        using var project = new SdkProject();
        project.WriteProject("""
              <PropertyGroup>
                <FineTuneDatasetName>support</FineTuneDatasetName>
                <FineTuneOutputPath>out</FineTuneOutputPath>
                <FineTuneMaxDiagnostics>5</FineTuneMaxDiagnostics>
                <EnableDefaultFineTuneSourceItems>false</EnableDefaultFineTuneSourceItems>
              </PropertyGroup>
            """);
        project.WriteFile("ads.csv", "prompt,completion\n");

        var evaluated = project.Evaluate();

        Assert.AreEqual(Path.Combine(project.Directory, "out", "support.train.jsonl"), evaluated.GetPropertyValue("_FineTuneTrainFile"));
        Assert.AreEqual("5", evaluated.GetPropertyValue("FineTuneMaxDiagnostics"));
        Assert.IsEmpty(evaluated.GetItems("FineTuneSource"));
    }
}
