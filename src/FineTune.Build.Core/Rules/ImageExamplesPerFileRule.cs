using FineTune.Build.Diagnostics;

namespace FineTune.Build.Rules;

/// <summary>
/// FT5017: OpenAI's vision fine-tuning guide: "Your training file can contain a maximum of 50,000 examples that
/// contain images (not including text examples)". Counted per output file, reported at the first example over.
/// </summary>
public sealed class ImageExamplesPerFileRule : IDatasetRule
{
    public const int MaxImageExamplesPerFile = 50_000;

    public void Check(DatasetEntry entry, DatasetRuleContext context)
    {
        if (!entry.HasImages)
        {
            return;
        }

        var file = entry.Validation ? 1 : 0;
        if (++context.ImageExamples[file] == MaxImageExamplesPerFile + 1)
        {
            context.Diagnostics.Report(DiagnosticCodes.TooManyImageExamples, entry.Location.File, entry.Location.Line, entry.Location.Column,
                $"This is example {MaxImageExamplesPerFile + 1:#,0} with images in the {(entry.Validation ? "validation" : "train")} file; a file can hold at most {MaxImageExamplesPerFile:#,0} examples with images: move some to another dataset project.");
        }
    }
}
