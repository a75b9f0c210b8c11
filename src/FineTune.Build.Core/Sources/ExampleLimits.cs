using FineTune.Build.Diagnostics;
using FineTune.Build.Documents;

namespace FineTune.Build.Sources;

/// <summary>The limits every reader checks on a whole example once it is read (the same for YAML, JSONL and CSV/TSV).</summary>
internal static class ExampleLimits
{
    /// <summary>False (after reporting) when the example must be skipped.</summary>
    public static bool Check(ObjectNode example, SourceFile source, DiagnosticCollector diagnostics)
    {
        var limit = source.Limits.MaxMessagesPerExample;
        foreach (var list in new[] { example.Get("messages"), (example.Get("input") as ObjectNode)?.Get("messages") })
        {
            if (list is ArrayNode { Items.Count: var count } array && count > limit)
            {
                diagnostics.Report(DiagnosticCodes.TooManyMessages, source.Path, array.Line, array.Column,
                    $"This example has {count} messages, over the limit of {limit} ({ReaderLimits.PropertyNames.MaxMessagesPerExample}): split the conversation or raise {ReaderLimits.PropertyNames.MaxMessagesPerExample}. This example is skipped.");
                return false;
            }
        }

        return true;
    }
}
