using System.Globalization;
using System.Text.RegularExpressions;

namespace FineTune.Build.Training;

/// <summary>Parses the string values of MSBuild properties and CLI options, so both report the same FT7005.</summary>
public static class TrainingSettings
{
    /// <summary>Empty or "auto": null.</summary>
    public static int? ParseOptionalInt(string name, string? value, int min, int max)
    {
        if (IsAuto(value))
        {
            return null;
        }

        if (int.TryParse(value!.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max)
        {
            return n;
        }

        throw new TrainingException(TrainingDiagnostics.InvalidSetting, $"{name} must be 'auto' or a whole number from {min} to {max}, not '{value}'.");
    }

    /// <summary>Empty or "auto": null.</summary>
    public static double? ParseOptionalDouble(string name, string? value, double minExclusive, double max)
    {
        if (IsAuto(value))
        {
            return null;
        }

        if (double.TryParse(value!.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && d > minExclusive && d <= max && !double.IsNaN(d))
        {
            return d;
        }

        throw new TrainingException(TrainingDiagnostics.InvalidSetting, $"{name} must be 'auto' or a number above {minExclusive.ToString(CultureInfo.InvariantCulture)} and at most {max.ToString(CultureInfo.InvariantCulture)}, not '{value}'.");
    }

    public static int? ParseSeed(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (int.TryParse(value.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= 0)
        {
            return n;
        }

        throw new TrainingException(TrainingDiagnostics.InvalidSetting, $"FineTuneSeed must be a whole number from 0 to {int.MaxValue}, not '{value}'.");
    }

    public static string ParseMethod(string? value)
    {
        var method = string.IsNullOrWhiteSpace(value) ? "supervised" : value.Trim().ToLowerInvariant();
        if (method is "supervised" or "dpo")
        {
            return method;
        }

        throw new TrainingException(TrainingDiagnostics.InvalidMethod, TrainingDiagnostics.InvalidMethod.FormatMessage(value));
    }

    public static string ParseTrainer(string? value)
    {
        if (string.IsNullOrWhiteSpace(value) || value.Trim().Equals("Api", StringComparison.OrdinalIgnoreCase))
        {
            return "Api";
        }

        if (value.Trim().Equals("Command", StringComparison.OrdinalIgnoreCase))
        {
            return "Command";
        }

        throw new TrainingException(TrainingDiagnostics.InvalidTrainer, TrainingDiagnostics.InvalidTrainer.FormatMessage(value));
    }

    public static bool ParseBool(string name, string? value, bool fallback)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return fallback;
        }

        if (bool.TryParse(value.Trim(), out var b))
        {
            return b;
        }

        throw new TrainingException(TrainingDiagnostics.InvalidSetting, $"{name} must be true or false, not '{value}'.");
    }

    private static readonly Regex DurationPattern = new(@"^\s*(?<n>\d+(\.\d+)?)\s*(?<u>ms|s|m|min|h|d)?\s*$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    /// <summary>"01:30:00" (TimeSpan), "90" (seconds), or a number with ms, s, m/min, h or d.</summary>
    public static TimeSpan ParseDuration(string name, string? value, TimeSpan fallback)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return fallback;
        }

        var text = value.Trim();
        TimeSpan result;
        if (text.Contains(':') && TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out result) && result > TimeSpan.Zero)
        {
            return result;
        }

        var match = DurationPattern.Match(text);
        if (match.Success)
        {
            var n = double.Parse(match.Groups["n"].Value, CultureInfo.InvariantCulture);
            result = match.Groups["u"].Value.ToLowerInvariant() switch
            {
                "ms" => TimeSpan.FromMilliseconds(n),
                "m" or "min" => TimeSpan.FromMinutes(n),
                "h" => TimeSpan.FromHours(n),
                "d" => TimeSpan.FromDays(n),
                _ => TimeSpan.FromSeconds(n),
            };
            if (result > TimeSpan.Zero)
            {
                return result;
            }
        }
        throw new TrainingException(TrainingDiagnostics.InvalidSetting, $"{name} must be a positive duration such as 90, 90s, 30m, 2h or 01:30:00, not '{value}'.");
    }

    private static bool IsAuto(string? value) =>
        string.IsNullOrWhiteSpace(value) || value.Trim().Equals("auto", StringComparison.OrdinalIgnoreCase);
}
