using FineTune.Build.Diagnostics;

namespace FineTune.Build.Training;

/// <summary>A training failure with its diagnostic and, when known, its source location. Never carries the API key.</summary>
public sealed class TrainingException : Exception
{
    public TrainingException(DiagnosticDescriptor descriptor, string message, Location? location = null, Exception? inner = null)
        : base(message, inner)
    {
        Descriptor = descriptor;
        Location = location;
    }

    public DiagnosticDescriptor Descriptor { get; }

    public string Code => Descriptor.Code;

    public Location? Location { get; }
}
