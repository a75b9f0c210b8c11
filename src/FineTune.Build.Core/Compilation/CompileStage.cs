namespace FineTune.Build.Compilation;

/// <summary>The stages <see cref="StageTimings"/> measures, in pipeline order.</summary>
public enum CompileStage
{
    /// <summary>Only when the task or format is inferred: reading and holding the first records (the probe) it is guessed from.</summary>
    Survey,

    /// <summary>Reading a source (surveying and spooling it too while a guessed task is unconfirmed), or replaying the spool.</summary>
    Read,
    Bind,
    Fix,
    Check,
    Count,
    Split,
    Write,
}
