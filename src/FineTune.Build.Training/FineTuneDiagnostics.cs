using FineTune.Build.Diagnostics;

namespace FineTune.Build.Training;

/// <summary>
/// Every diagnostic FineTune.Build reports, in one registry: the compiler's and the model catalog's
/// (<see cref="DiagnosticCodes"/>, in the core) and training's (<see cref="TrainingDiagnostics"/>). It lives here
/// because the training assembly is the one that sees both; docs/rules.md documents exactly these codes.
/// </summary>
public static class FineTuneDiagnostics
{
    public static DiagnosticRegistry Registry { get; } = new(DiagnosticCodes.All, TrainingDiagnostics.All, Evaluation.EvaluationDiagnostics.All);
}
