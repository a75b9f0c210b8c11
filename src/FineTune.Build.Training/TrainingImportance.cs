namespace FineTune.Build.Training;

/// <summary>How prominent a message is; maps to MSBuild's MessageImportance (High shows at minimal verbosity).</summary>
public enum TrainingImportance
{
    High,
    Normal,
    Low,
}
