using System.Text.RegularExpressions;
using FineTune.Build.Diagnostics;

namespace FineTune.Build.Training;

/// <summary>Finds "Example 42" in an API error message and maps it to a source location.</summary>
public static class ExampleReference
{
    private static readonly Regex Pattern = new(@"\bExample\s*#?\s*(?<n>\d+)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    /// <summary>The example number and the kind of file it is in ("validation" when the message or the error's
    /// param names the validation file, else "train").</summary>
    public static (int Number, string FileKind)? TryParse(string? message, string? param = null)
    {
        if (string.IsNullOrEmpty(message))
        {
            return null;
        }

        var match = Pattern.Match(message);
        if (!match.Success || !int.TryParse(match.Groups["n"].Value, out var n))
        {
            return null;
        }

        var kind = (param?.Contains("validation", StringComparison.OrdinalIgnoreCase) ?? false)
                   || message.Contains("validation file", StringComparison.OrdinalIgnoreCase)
            ? "validation"
            : "train";
        return (n, kind);
    }

    /// <summary>The request's locator (the compiler's source map), else line N of the compiled file: the API counts
    /// examples from 1 in file order, one per line.</summary>
    public static Location? Locate(TrainingRequest request, int number, string kind)
    {
        var located = request.ExampleLocator?.Invoke(number, kind);
        if (located is not null)
        {
            return located;
        }

        var file = kind == "validation" ? request.ValidationFile : request.TrainFile;
        return string.IsNullOrEmpty(file) || number < 1 ? null : new Location(file!, number, 1);
    }
}
