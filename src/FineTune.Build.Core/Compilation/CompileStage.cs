namespace FineTune.Build.Compilation;

/// <summary>The stages <see cref="StageTimings"/> measures, in pipeline order.</summary>
public enum CompileStage
{
    Read,
    Bind,
    Fix,
    Check,
    Count,
    Split,
    Write,
}
