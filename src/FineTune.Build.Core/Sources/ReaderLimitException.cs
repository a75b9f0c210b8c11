using FineTune.Build.Diagnostics;

namespace FineTune.Build.Sources;

/// <summary>A source exceeded one of its <see cref="ReaderLimits"/>: the reader reports it at the location and skips what it must.</summary>
internal sealed class ReaderLimitException : Exception
{
    public ReaderLimitException(DiagnosticDescriptor descriptor, int line, int column, string message)
        : base(message)
    {
        Descriptor = descriptor;
        Line = line;
        Column = column;
    }

    public DiagnosticDescriptor Descriptor { get; }

    public int Line { get; }

    public int Column { get; }

    /// <summary>The reader cannot go on in this file (the YAML scanner was stopped inside a token).</summary>
    public bool StopsFile { get; init; }
}
