using FineTune.Build.Diagnostics;
using FineTune.Build.Documents;
using FineTune.Build.Examples;

namespace FineTune.Build.Rules;

/// <summary>
/// Content parts and images, after OpenAI's vision fine-tuning guide: parts are <c>text</c> or <c>image_url</c>;
/// images only in user messages, at most <see cref="MaxImagesPerExample"/> per example, http(s) URLs or base64
/// data URLs of JPEG, PNG or WEBP, at most 10 MB each, <c>detail</c> low, high or auto. Each problem is reported
/// at the part (or its url or detail) it is about.
/// </summary>
public sealed class ImageContentRule : IExampleRule
{
    /// <summary>OpenAI: "Each example can have at most 10 images".</summary>
    public const int MaxImagesPerExample = 10;

    public void Check(Example example, RuleContext context)
    {
        if (example.Format == DatasetFormat.Completion)
        {
            return;
        }

        // Plain loops over the lists (no iterators): this runs for every example.
        var images = CheckMessages(example.SourcePath, example.Messages, 0, context);
        if (example.Format == DatasetFormat.Preference)
        {
            images = CheckMessages(example.SourcePath, example.Body.Get("preferred_output") as ArrayNode, images, context);
            CheckMessages(example.SourcePath, example.Body.Get("non_preferred_output") as ArrayNode, images, context);
        }
    }

    /// <summary>Checks the parts of each message in order; returns the example's image count so far.</summary>
    private static int CheckMessages(string file, ArrayNode? messages, int images, RuleContext context)
    {
        if (messages is null)
        {
            return images;
        }

        foreach (var item in messages.Items)
        {
            if (item is not ObjectNode message || message.Get("content") is not ArrayNode parts)
            {
                continue;
            }

            var role = ChatView.Role(message) ?? "message";
            foreach (var partNode in parts.Items)
            {
                if (partNode is ObjectNode part && CheckPart(file, part, role, context) is { } image)
                {
                    images++;
                    if (images == MaxImagesPerExample + 1)
                    {
                        context.Report(DiagnosticCodes.TooManyImages, file, image.Line, image.Column,
                            $"This is image {images} of the example; an example can have at most {MaxImagesPerExample} images: split the example, or remove images.");
                    }
                }
            }
        }

        return images;
    }

    /// <summary>Checks one part; returns it when it is an image part.</summary>
    private static ObjectNode? CheckPart(string file, ObjectNode part, string role, RuleContext context)
    {
        if (part.Get("type") is not ScalarNode type)
        {
            return null;
        }

        switch (type.Text)
        {
            case "text":
                if (part.Get("text") is null)
                {
                    context.Report(DiagnosticCodes.InvalidContentPart, file, part.Line, part.Column,
                        "This part is type 'text' but has no 'text': add the text, e.g. {type: text, text: \"Describe this image.\"}.");
                }

                return null;
            case "image_url":
                break;
            default:
                context.Report(DiagnosticCodes.InvalidContentPart, file, type.Line, type.Column,
                    $"Content part type '{CompletionFormattingRules.Quote(type.Text)}' is not supported in fine-tuning: use 'text' or 'image_url'.");
                return null;
        }

        if (role != "user")
        {
            context.Report(DiagnosticCodes.ImageOutsideUserMessage, file, part.Line, part.Column,
                $"An image in a{(role is "assistant" ? "n" : "")} {role} message: images may only be in user messages (the model cannot output images). Move it to a user message.");
        }

        if (part.Get("image_url") is not ObjectNode imageUrl)
        {
            context.Report(DiagnosticCodes.InvalidContentPart, file, part.Line, part.Column,
                "This part is type 'image_url' but has no 'image_url': add {url: https://... or data:image/png;base64,...}.");
            return part;
        }

        if (imageUrl.Get("url") is ScalarNode url)
        {
            var image = ImageData.Inspect(url.Text);
            if (image.Problem is { } problem)
            {
                context.Report(image.TooLarge ? DiagnosticCodes.ImageTooLarge : DiagnosticCodes.InvalidImageUrl, file, url.Line, url.Column,
                    $"This image cannot be used: {problem}.");
            }
        }

        if (imageUrl.Get("detail") is ScalarNode detail && detail.Text is not ("low" or "high" or "auto"))
        {
            context.Report(DiagnosticCodes.InvalidImageDetail, file, detail.Line, detail.Column,
                $"detail is '{CompletionFormattingRules.Quote(detail.Text)}': use low, high or auto.");
        }

        return part;
    }
}
