using Microsoft.Build.Evaluation;
using Microsoft.Build.Execution;

namespace FineTune.Build.Sdk.Tests;

/// <summary>
/// Which MSBuild runs the net8.0 task: in process on the .NET SDK, the .NET task host on .NET Framework MSBuild 18+,
/// and one FT0005 error (never an MSB4062 stack) on older .NET Framework MSBuilds. Only evaluation can be tested
/// here: MSBuildRuntimeType is reserved, so its stand-in _FineTuneMSBuildRuntimeType=Full is given as a global property.
/// </summary>
[TestClass]
public sealed class TaskHostTests
{
    [TestMethod]
    public void DotNetSdkMSBuild_LoadsTheTaskInProcess()
    {
        using var project = new SdkProject();
        project.WriteProject();

        var instance = project.Instance();

        CollectionAssert.AreEqual(new[] { ("CompileFineTuneDataset", ""), ("TrainFineTuneModel", ""), ("EvaluateFineTuneModel", "") }, ActiveUsingTasks(project.Evaluate(), instance));
        Assert.IsFalse(instance.EvaluateCondition(instance.Targets["_FineTuneCheckMSBuildRuntime"].Condition));
    }

    [TestMethod]
    public void FrameworkMSBuild18_RunsTheTaskInTheDotNetTaskHost()
    {
        using var project = new SdkProject();
        project.WriteProject();
        var global = new Dictionary<string, string> { ["_FineTuneMSBuildRuntimeType"] = "Full" };

        var evaluated = project.Evaluate(global);
        var instance = evaluated.CreateProjectInstance();

        CollectionAssert.AreEqual(new[] { ("CompileFineTuneDataset", "NET"), ("TrainFineTuneModel", "NET"), ("EvaluateFineTuneModel", "NET") }, ActiveUsingTasks(evaluated, instance));
        Assert.IsFalse(instance.EvaluateCondition(instance.Targets["_FineTuneCheckMSBuildRuntime"].Condition));
    }

    [TestMethod]
    public void OlderFrameworkMSBuild_FailsWithFT0005_BeforeTheTaskIsLoaded()
    {
        using var project = new SdkProject();
        project.WriteProject();
        // The running MSBuild is 18.x: raise the threshold to stand for a Visual Studio 2022 MSBuild (17.x).
        var global = new Dictionary<string, string> { ["_FineTuneMSBuildRuntimeType"] = "Full", ["_FineTuneTaskHostMinimumMSBuildVersion"] = "99.0" };

        var evaluated = project.Evaluate(global);
        var instance = evaluated.CreateProjectInstance();

        Assert.IsEmpty(ActiveUsingTasks(evaluated, instance), "no task is registered, so MSBuild never tries to load it");
        var check = instance.Targets["_FineTuneCheckMSBuildRuntime"];
        Assert.IsTrue(instance.EvaluateCondition(check.Condition));
        var error = check.Children.OfType<ProjectTaskInstance>().Single();
        Assert.AreEqual("Error", error.Name);
        Assert.AreEqual("FT0005", error.Parameters["Code"]);
        StringAssert.Contains(instance.ExpandString(error.Parameters["Text"]), "MSBuild 18.0 or later");
        var compileDependsOn = instance.GetPropertyValue("FineTuneCompileDependsOn").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.AreEqual("_FineTuneCheckMSBuildRuntime", compileDependsOn[0], "checked before anything else of the compile");
    }

    /// <summary>The SDK's UsingTask elements whose condition holds: (short task name, Runtime).</summary>
    private static List<(string Task, string Runtime)> ActiveUsingTasks(Project evaluated, ProjectInstance instance)
        => evaluated.Imports
            .Where(i => i.ImportedProject.FullPath.StartsWith(SdkProject.SdkDirectory, StringComparison.Ordinal))
            .SelectMany(i => i.ImportedProject.UsingTasks)
            .Where(u => instance.EvaluateCondition(u.Condition))
            .Select(u => (u.TaskName[(u.TaskName.LastIndexOf('.') + 1)..], u.Runtime))
            .Distinct()
            .ToList();
}
