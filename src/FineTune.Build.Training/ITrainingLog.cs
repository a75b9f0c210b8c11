namespace FineTune.Build.Training;

/// <summary>
/// Where the training service writes its progress messages. The MSBuild task maps it to TaskLoggingHelper, the CLI
/// to the console, tests to a list. Warnings and errors do not come here: they go through a
/// <see cref="FineTune.Build.Diagnostics.DiagnosticCollector"/>, like the compiler's. Implementations never see the
/// API key: the service redacts it first.
/// </summary>
public interface ITrainingLog
{
    void Message(TrainingImportance importance, string text);
}
