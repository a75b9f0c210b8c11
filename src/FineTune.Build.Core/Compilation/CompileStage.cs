namespace FineTune.Build.Compilation;

/// <summary>The stages <see cref="StageTimings"/> measures, in pipeline order.</summary>
public enum CompileStage
{
    /// <summary>Only when the task is inferred: reading the sources once into the spool, counting the survey.</summary>
    Survey,

    /// <summary>Reading a source, or replaying it from the spool.</summary>
    Read,
    Bind,
    Fix,
    Check,
    Count,
    Split,
    Write,
}
