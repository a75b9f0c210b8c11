using FineTune.Build.Diagnostics;
using FineTune.Build.Models;
using FineTune.Build.Tokens;

namespace FineTune.Build.Rules;

/// <summary>What a rule may read (settings, the model, this worker's tokenizer) and where it reports.</summary>
public sealed class RuleContext
{
    private readonly List<Diagnostic> _pending = [];
    private readonly List<WaivedSecret> _waived = [];

    public RuleContext(ModelEntry model, string modelName, Func<TokenCounter> tokens)
    {
        Model = model;
        ModelName = modelName;
        _tokens = tokens;
    }

    private readonly Func<TokenCounter> _tokens;

    public ModelEntry Model { get; }

    /// <summary>The name the project gave (FineTuneBaseModel), for messages.</summary>
    public string ModelName { get; }

    /// <summary>This worker's tokenizer for the model's encoding (one instance per thread).</summary>
    public TokenCounter Tokens => _tokens();

    /// <summary>Token count of the example being checked, set by <see cref="TokenLimitRule"/>.</summary>
    public int TokenCount { get; set; }

    public IReadOnlyList<Diagnostic> Pending => _pending;

    /// <summary>Secrets the project allowed (FineTuneSecretAllow) in the example being checked, for the report.</summary>
    public IReadOnlyList<WaivedSecret> Waived => _waived;

    public void Waive(WaivedSecret waived) => _waived.Add(waived);

    public void Report(DiagnosticDescriptor descriptor, string file, int line, int column, string message)
        => _pending.Add(new Diagnostic(descriptor.Code, descriptor.DefaultSeverity, file, line, column, message));

    /// <summary>Clears what the previous example left, before the next one is checked.</summary>
    public void Reset()
    {
        _pending.Clear();
        _waived.Clear();
        TokenCount = 0;
    }
}
