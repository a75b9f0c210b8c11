namespace FineTune.Build.Evaluation;

/// <summary>The previous (or FineTuneCompareTo) model's primary metric on the same examples.</summary>
public sealed record EvaluationComparison(string Model, string Metric, double Value, double MaxRegression);
