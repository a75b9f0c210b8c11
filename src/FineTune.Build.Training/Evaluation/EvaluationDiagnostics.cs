using FineTune.Build.Diagnostics;

namespace FineTune.Build.Training.Evaluation;

/// <summary>
/// The diagnostics of publish-time evaluation (FT705x, docs/rules.md). Reported through the same
/// <see cref="DiagnosticCollector"/> as training's, so NoWarn and WarningsAsErrors apply. API failures during
/// evaluation use training's codes (FT7001, FT7009-FT7011).
/// </summary>
public static class EvaluationDiagnostics
{
    private const string Category = "Evaluation";

    /// <summary>Classification accuracy below FineTuneMinAccuracy.</summary>
    public static readonly DiagnosticDescriptor BelowMinAccuracy = new("FT7050", DiagnosticSeverity.Error, Category, "The model's accuracy on the validation examples is below FineTuneMinAccuracy", "{0}", "The model's accuracy on the validation examples is below FineTuneMinAccuracy.");

    /// <summary>Generation exact match below FineTuneMinExactMatch.</summary>
    public static readonly DiagnosticDescriptor BelowMinExactMatch = new("FT7051", DiagnosticSeverity.Error, Category, "The model's exact match on the validation examples is below FineTuneMinExactMatch", "{0}", "The model's exact match on the validation examples is below FineTuneMinExactMatch.");

    /// <summary>The model is worse than the FineTuneCompareTo (or previous) model by more than FineTuneMaxRegression.</summary>
    public static readonly DiagnosticDescriptor Regression = new("FT7052", DiagnosticSeverity.Error, Category, "The model is worse than the model it is compared to by more than FineTuneMaxRegression", "{0}", "The model is worse than the model it is compared to by more than FineTuneMaxRegression.");

    /// <summary>Evaluation needs a validation file with examples.</summary>
    public static readonly DiagnosticDescriptor NoValidationExamples = new("FT7053", DiagnosticSeverity.Error, Category, "Evaluation needs validation examples; set FineTuneValidationFraction or add a validation source", "{0}", "Evaluation needs validation examples; set FineTuneValidationFraction or add a validation source.");

    /// <summary>Warning: there is no model to evaluate yet (not trained, or FineTuneWait=false and the job is running).</summary>
    public static readonly DiagnosticDescriptor NoModel = new("FT7054", DiagnosticSeverity.Warning, Category, "There is no fine-tuned model to evaluate yet; evaluation is skipped", "{0}", "There is no fine-tuned model to evaluate yet; evaluation is skipped.");

    /// <summary>eval.json or the report could not be written.</summary>
    public static readonly DiagnosticDescriptor WriteFailed = new("FT7055", DiagnosticSeverity.Error, Category, "<name>.eval.json or the report could not be written", "{0}", "<name>.eval.json or the report could not be written.");

    /// <summary>Every evaluation code, in code order.</summary>
    public static IReadOnlyList<DiagnosticDescriptor> All { get; } = DiagnosticRegistry.FieldsOf(typeof(EvaluationDiagnostics));
}
