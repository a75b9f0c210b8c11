using FineTune.Build.Models;

namespace FineTune.Build.Reports;

/// <summary>
/// Billed tokens = epochs x training tokens (each example capped at the model's limit). Without FineTuneEpochs
/// the epochs are the OpenAI cookbook's estimate of the API default: 3, raised for small and lowered for large
/// datasets so that epochs x examples stays within 100..25,000.
/// </summary>
public static class CostEstimator
{
    public static void Estimate(DatasetReport report, int? configuredEpochs, ModelEntry model)
    {
        report.Epochs = configuredEpochs ?? EstimatedEpochs(report.TrainTokens.Examples);
        if (configuredEpochs is not null)
        {
            report.EpochsSource = "FineTuneEpochs";
        }

        report.BilledTokens = report.Epochs.Value * report.TrainTokens.Total;
        report.PricePerMillionTokens = model.TrainingPricePerMillionTokens;
    }

    /// <summary>The cookbook's estimate of the API's default epochs for <paramref name="trainExamples"/> examples.</summary>
    public static int EstimatedEpochs(int trainExamples)
    {
        var n = trainExamples;
        if (n > 0 && n * 3 < 100)
        {
            return Math.Min(25, 100 / n);
        }

        if (n * 3L > 25_000)
        {
            return Math.Max(1, 25_000 / Math.Max(1, n));
        }

        return 3;
    }
}
