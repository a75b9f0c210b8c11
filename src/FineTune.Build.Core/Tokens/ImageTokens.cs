namespace FineTune.Build.Tokens;

/// <summary>
/// Tokens of one image input, as OpenAI's vision guide ("Calculating costs") documents them for GPT-4o-class models:
/// <c>detail: low</c> costs 85 tokens; <c>high</c> (and <c>auto</c>, counted as high so the estimate never falls
/// short) scales the image to fit 2048 x 2048, then its shortest side down to 768, and costs 85 + 170 per 512-pixel
/// tile. When the size is unknown (an http(s) URL is not fetched at build time) a high-detail image is counted as a
/// 1024 x 1024 one: <see cref="UnknownSizeHigh"/> = 765 tokens, the guide's own example.
/// </summary>
public static class ImageTokens
{
    public const int Base = 85;

    public const int PerTile = 170;

    /// <summary>A 1024 x 1024 image in high detail (4 tiles): the estimate for an image of unknown size.</summary>
    public const int UnknownSizeHigh = Base + (4 * PerTile);

    public static int Estimate(string? detail, int? width, int? height)
    {
        if (string.Equals(detail, "low", StringComparison.OrdinalIgnoreCase))
        {
            return Base;
        }

        if (width is not > 0 || height is not > 0)
        {
            return UnknownSizeHigh;
        }

        double w = width.Value, h = height.Value;
        if (w > 2048 || h > 2048)
        {
            var fit = 2048 / Math.Max(w, h);
            w *= fit;
            h *= fit;
        }

        if (Math.Min(w, h) > 768)
        {
            var shortest = 768 / Math.Min(w, h);
            w *= shortest;
            h *= shortest;
        }

        var tiles = (int)Math.Ceiling(Math.Round(w, 6) / 512) * (int)Math.Ceiling(Math.Round(h, 6) / 512);
        return Base + (PerTile * tiles);
    }
}
