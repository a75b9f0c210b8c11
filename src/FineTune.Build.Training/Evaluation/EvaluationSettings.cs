using System.Globalization;

namespace FineTune.Build.Training.Evaluation;

/// <summary>Parses the evaluation properties (and CLI options) with FT7005 for bad values.</summary>
public static class EvaluationSettings
{
    /// <summary>Empty: null. "0.85" or "85%": 0.85; from 0 to 1.</summary>
    public static double? ParseFraction(string name, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var text = value.Trim();
        var percent = text.EndsWith('%');
        if (double.TryParse(percent ? text[..^1] : text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && !double.IsNaN(d))
        {
            d = percent ? d / 100 : d;
            if (d is >= 0 and <= 1)
            {
                return d;
            }
        }

        throw new TrainingException(TrainingDiagnostics.InvalidSetting, $"{name} must be a fraction from 0 to 1 (0.85) or a percentage (85%), not '{value}'.");
    }

    /// <summary>Empty: <paramref name="fallback"/>.</summary>
    public static int? ParseCount(string name, string? value, int? fallback, int min, int max)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return fallback;
        }

        if (int.TryParse(value.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max)
        {
            return n;
        }

        throw new TrainingException(TrainingDiagnostics.InvalidSetting, $"{name} must be a whole number from {min} to {max}, not '{value}'.");
    }

    /// <summary>Empty or auto: null; else classification or generation.</summary>
    public static string? ParseTask(string? value)
    {
        if (string.IsNullOrWhiteSpace(value) || value.Trim().Equals("auto", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var task = value.Trim().ToLowerInvariant();
        return task is "classification" or "generation"
            ? task
            : throw new TrainingException(TrainingDiagnostics.InvalidSetting, $"The evaluation task must be classification, generation or auto, not '{value}'.");
    }
}
