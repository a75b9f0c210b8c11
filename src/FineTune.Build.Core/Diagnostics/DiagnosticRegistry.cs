using System.Reflection;

namespace FineTune.Build.Diagnostics;

/// <summary>
/// A set of diagnostic descriptors with unique codes, in code order. Each assembly that reports diagnostics
/// defines its descriptors as static fields of one class (<see cref="DiagnosticCodes"/> for the compiler and the
/// catalog, TrainingDiagnostics for training); a registry joins them so docs, SARIF and tests see every code.
/// </summary>
public sealed class DiagnosticRegistry
{
    private readonly Dictionary<string, DiagnosticDescriptor> _byCode = new(StringComparer.OrdinalIgnoreCase);

    public DiagnosticRegistry(params IEnumerable<DiagnosticDescriptor>[] descriptorSets)
    {
        foreach (var descriptor in descriptorSets.SelectMany(set => set))
        {
            if (!_byCode.TryAdd(descriptor.Code, descriptor))
            {
                throw new ArgumentException($"Diagnostic code {descriptor.Code} is defined twice.", nameof(descriptorSets));
            }
        }

        All = _byCode.Values.OrderBy(d => d.Code, StringComparer.Ordinal).ToArray();
    }

    /// <summary>Every descriptor, in code order.</summary>
    public IReadOnlyList<DiagnosticDescriptor> All { get; }

    public DiagnosticDescriptor? Find(string code) => _byCode.GetValueOrDefault(code);

    /// <summary>The public static <see cref="DiagnosticDescriptor"/> fields of <paramref name="holder"/>, in code order.</summary>
    public static IReadOnlyList<DiagnosticDescriptor> FieldsOf(Type holder) => holder
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.FieldType == typeof(DiagnosticDescriptor))
        .Select(f => (DiagnosticDescriptor)f.GetValue(null)!)
        .OrderBy(d => d.Code, StringComparer.Ordinal)
        .ToArray();
}
