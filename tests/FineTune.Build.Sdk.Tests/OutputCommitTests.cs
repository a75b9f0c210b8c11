namespace FineTune.Build.Sdk.Tests;

/// <summary>
/// The compile's output set is committed by its completion stamp (the core writes it last and deletes it first):
/// FineTuneCompile declares it as an output, so a compile killed before it was written runs again, and
/// GetFineTuneOutputs (what publish trains on) lists nothing without it.
/// </summary>
[TestClass]
public sealed class OutputCommitTests
{
    [TestMethod]
    public void FineTuneCompile_DeclaresTheTrainFileAndTheCompletionStamp_AsItsOutputs()
    {
        using var project = new SdkProject("ads");
        project.WriteProject();

        var evaluated = project.Evaluate();
        var outputs = evaluated.ExpandString(evaluated.Targets["FineTuneCompile"].Outputs).Split(';').Select(Path.GetFullPath).ToList();

        CollectionAssert.AreEqual(new[]
        {
            Path.Combine(project.Directory, "bin", "Debug", "ads.train.jsonl"),
            Path.Combine(project.Directory, "obj", "Debug", "ads.finetune.complete"),
        }, outputs);
    }

    [TestMethod]
    public void GetFineTuneOutputs_ListsTheSetOnlyWithItsStamp_AndCleanRemovesStampAndTemporaryFiles()
    {
        using var project = new SdkProject("ads");
        project.WriteProject();

        var target = project.Evaluate().Targets["GetFineTuneOutputs"];
        var gated = target.Children.OfType<Microsoft.Build.Execution.ProjectItemGroupTaskInstance>().First();
        Assert.AreEqual("Exists('$(_FineTuneCompleteFile)')", gated.Condition);
        StringAssert.Contains(string.Join(";", gated.Items.Select(i => i.Include)), "$(_FineTuneTrainFile)");

        var clean = project.Evaluate().Targets["FineTuneClean"].Children.OfType<Microsoft.Build.Execution.ProjectItemGroupTaskInstance>()
            .SelectMany(g => g.Items).Select(i => i.Include).ToList();
        StringAssert.Contains(string.Join(";", clean), "$(_FineTuneCompleteFile);$(_FineTuneOutputDir)$(FineTuneDatasetName).*.tmp;$(_FineTuneIntermediateDir)$(FineTuneDatasetName).*.tmp");
    }
}
