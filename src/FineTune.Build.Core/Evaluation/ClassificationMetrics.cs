namespace FineTune.Build.Evaluation;

/// <summary>
/// Accuracy, per-class precision/recall/F1, the confusion matrix (rows: expected class; columns: predicted class, then
/// "other" for answers that name no class) and the mean probability of the right class.
/// </summary>
public sealed class ClassificationMetrics
{
    /// <summary>The column of answers that are no class.</summary>
    public const string Other = "other";

    public required IReadOnlyList<string> Classes { get; init; }

    /// <summary>[expected class index][predicted class index, or Classes.Count for "other"].</summary>
    public required IReadOnlyList<IReadOnlyList<int>> Confusion { get; init; }

    public required IReadOnlyList<ClassMetrics> PerClass { get; init; }

    public int Examples { get; init; }

    public int Correct { get; init; }

    public int OtherAnswers { get; init; }

    public double Accuracy { get; init; }

    public double MacroF1 { get; init; }

    /// <summary>Null when no answer carried log probabilities.</summary>
    public double? MeanCorrectProbability { get; init; }

    /// <summary>Computes the metrics; an expected label that is not in <paramref name="classes"/> is added.</summary>
    public static ClassificationMetrics Compute(IEnumerable<string> classes, IReadOnlyList<ExampleOutcome> outcomes)
    {
        var labels = classes.Concat(outcomes.Select(o => o.Expected)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var index = labels.Select((l, i) => (l, i)).ToDictionary(p => p.l, p => p.i, StringComparer.Ordinal);
        var matrix = labels.Select(_ => new int[labels.Count + 1]).ToArray();
        var correct = 0;
        var other = 0;
        var probabilities = new List<double>();
        foreach (var o in outcomes)
        {
            var row = index[o.Expected];
            var column = o.Predicted is not null && index.TryGetValue(o.Predicted, out var p) ? p : labels.Count;
            matrix[row][column]++;
            if (column == labels.Count)
            {
                other++;
            }
            else if (column == row)
            {
                correct++;
            }

            if (o.ExpectedProbability is { } probability)
            {
                probabilities.Add(probability);
            }
        }

        var perClass = new List<ClassMetrics>();
        for (var c = 0; c < labels.Count; c++)
        {
            var support = matrix[c].Sum();
            var predicted = matrix.Sum(r => r[c]);
            var tp = matrix[c][c];
            var precision = predicted == 0 ? 0 : (double)tp / predicted;
            var recall = support == 0 ? 0 : (double)tp / support;
            var f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
            perClass.Add(new ClassMetrics(labels[c], support, predicted, tp, precision, recall, f1));
        }

        var withSupport = perClass.Where(c => c.Support > 0).ToList();
        return new ClassificationMetrics
        {
            Classes = labels,
            Confusion = matrix.Select(r => (IReadOnlyList<int>)r).ToList(),
            PerClass = perClass,
            Examples = outcomes.Count,
            Correct = correct,
            OtherAnswers = other,
            Accuracy = outcomes.Count == 0 ? 0 : (double)correct / outcomes.Count,
            MacroF1 = withSupport.Count == 0 ? 0 : withSupport.Average(c => c.F1),
            MeanCorrectProbability = probabilities.Count == 0 ? null : probabilities.Average(),
        };
    }
}
