using FineTune.Build.Diagnostics;
using FineTune.Build.Examples;
using FineTune.Build.Reports;
using FineTune.Build.Rules;

namespace FineTune.Build.Compilation;

/// <summary>
/// One example on its way from the reader to the writer. The bind and fix stages fill the first part in source
/// order; a worker fills the rest (<see cref="ExampleWorker"/>, any thread); the ordered stages only read it.
/// </summary>
public sealed class CompiledExample
{
    public CompiledExample(Example example, byte[]? identity, SourceStatistics source)
    {
        Example = example;
        Identity = identity;
        Source = source;
    }

    public Example Example { get; }

    /// <summary>The split identity from the example's id, or null for its bytes before fixes (<see cref="Examples.Example.BytesBeforeFixes"/>).</summary>
    public byte[]? Identity { get; }

    /// <summary>The figures of the example's source, which the report stage adds to.</summary>
    public SourceStatistics Source { get; }

    /// <summary>What the per-example rules found, reported in source order by the ordered stages.</summary>
    public IReadOnlyList<Diagnostic> Diagnostics { get; set; } = [];

    /// <summary>Secrets the project allowed (FineTuneSecretAllow) in this example, for the report.</summary>
    public IReadOnlyList<WaivedSecret> Waived { get; set; } = [];

    public int Tokens { get; set; }

    /// <summary>The output line (canonical JSON, no newline); in a reused block, valid until the example is written.</summary>
    public ReadOnlyMemory<byte> Bytes { get; set; }

    public bool Validation { get; set; }

    /// <summary>What a classifier would answer (classification only).</summary>
    public string? Label { get; set; }

    /// <summary>The example as the dataset rules see it.</summary>
    public DatasetEntry? Entry { get; set; }
}
