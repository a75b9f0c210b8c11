using System.Buffers.Binary;

namespace FineTune.Build.Rules;

/// <summary>
/// What an <c>image_url</c> URL says about its image, after OpenAI's vision fine-tuning guide: an http(s) URL (its
/// size unknown here), or a base64 data URL of a JPEG, PNG or WEBP image, whose decoded size and pixel dimensions
/// (from the header bytes) are read here. <see cref="Problem"/> says what is wrong, quoting the URL's start.
/// </summary>
public sealed class ImageData
{
    /// <summary>OpenAI: "Each image can be at most 10 MB".</summary>
    public const int MaxBytes = 10 * 1024 * 1024;

    private ImageData()
    {
    }

    public bool IsRemote { get; private init; }

    /// <summary>jpeg, png or webp for a data URL.</summary>
    public string? MediaType { get; private init; }

    /// <summary>Decoded bytes of a data URL.</summary>
    public long Bytes { get; private init; }

    public int? Width { get; private init; }

    public int? Height { get; private init; }

    /// <summary>Why the URL is not an image the fine-tuning API takes, or null.</summary>
    public string? Problem { get; private init; }

    /// <summary>True when the problem is the size (FT5015), not the URL (FT5014).</summary>
    public bool TooLarge { get; private init; }

    public static ImageData Inspect(string url)
    {
        var trimmed = url.Trim();
        if (trimmed.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || trimmed.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            return Uri.TryCreate(trimmed, UriKind.Absolute, out var uri) && uri.Host.Length > 0
                ? new ImageData { IsRemote = true }
                : Fail($"\"{Short(url)}\" is not a valid http(s) URL");
        }

        if (!trimmed.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
        {
            return Fail($"\"{Short(url)}\" is neither an http(s) URL nor a data URL (data:image/png;base64,...)");
        }

        var comma = trimmed.IndexOf(',');
        var header = comma < 0 ? trimmed : trimmed[..comma];
        var type = header.Length > 5 ? header[5..].Split(';')[0].Trim().ToLowerInvariant() : "";
        if (type is not ("image/jpeg" or "image/jpg" or "image/png" or "image/webp"))
        {
            return Fail($"the data URL's type is '{(type.Length == 0 ? "none" : type)}': the API takes JPEG, PNG or WEBP images (image/jpeg, image/png, image/webp)");
        }

        if (comma < 0 || !header.EndsWith(";base64", StringComparison.OrdinalIgnoreCase))
        {
            return Fail($"\"{Short(url)}\" is not a base64 data URL: write data:{type};base64, followed by the image's base64 bytes");
        }

        var body = trimmed.AsSpan(comma + 1);
        if (body.Length == 0)
        {
            return Fail("the data URL has no image bytes after the comma");
        }

        // The decoded size first, so a huge image is not decoded only to be refused.
        var padding = body.EndsWith("==") ? 2 : body.EndsWith("=") ? 1 : 0;
        var decodedLength = (body.Length / 4 * 3L) - padding;
        if (decodedLength > MaxBytes)
        {
            return new ImageData { Problem = $"the image is {decodedLength:#,0} bytes after base64 decoding, over the limit of {MaxBytes:#,0} (10 MB): make it smaller", TooLarge = true };
        }

        var bytes = new byte[(body.Length / 4 * 3) + 3];
        if (!Convert.TryFromBase64Chars(body, bytes, out var written))
        {
            return Fail($"the data URL's bytes are not valid base64 (\"{Short(body.ToString())}\")");
        }

        var media = type == "image/jpg" ? "image/jpeg" : type;
        var data = bytes.AsSpan(0, written);
        var actual = Sniff(data);
        if (actual is null)
        {
            return Fail($"the data URL says {media}, but its bytes are no JPEG, PNG or WEBP image");
        }

        if (actual != media)
        {
            return Fail($"the data URL says {media}, but its bytes are a {actual} image: correct the type");
        }

        var (width, height) = Dimensions(actual, data);
        return new ImageData { MediaType = actual, Bytes = written, Width = width, Height = height };
    }

    private static ImageData Fail(string problem) => new() { Problem = problem };

    private static string Short(string text) => CompletionFormattingRules.Quote(text, 40);

    private static string? Sniff(ReadOnlySpan<byte> data)
    {
        if (data.StartsWith(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A }))
        {
            return "image/png";
        }

        if (data.StartsWith(new byte[] { 0xFF, 0xD8, 0xFF }))
        {
            return "image/jpeg";
        }

        if (data.Length >= 12 && data[..4].SequenceEqual("RIFF"u8) && data.Slice(8, 4).SequenceEqual("WEBP"u8))
        {
            return "image/webp";
        }

        return null;
    }

    /// <summary>Width and height from the header: PNG's IHDR, JPEG's start-of-frame marker, WEBP's VP8/VP8L/VP8X chunk.</summary>
    private static (int? Width, int? Height) Dimensions(string media, ReadOnlySpan<byte> data)
    {
        switch (media)
        {
            case "image/png" when data.Length >= 24:
                return ((int)BinaryPrimitives.ReadUInt32BigEndian(data[16..]), (int)BinaryPrimitives.ReadUInt32BigEndian(data[20..]));
            case "image/jpeg":
                var i = 2;
                while (i + 9 < data.Length)
                {
                    if (data[i] != 0xFF)
                    {
                        i++;
                        continue;
                    }

                    var marker = data[i + 1];
                    if (marker is 0xD8 or 0x01 or 0xFF || marker is >= 0xD0 and <= 0xD7)
                    {
                        i += marker == 0xFF ? 1 : 2;
                        continue;
                    }

                    if (marker is >= 0xC0 and <= 0xCF && marker is not (0xC4 or 0xC8 or 0xCC))
                    {
                        return (BinaryPrimitives.ReadUInt16BigEndian(data[(i + 7)..]), BinaryPrimitives.ReadUInt16BigEndian(data[(i + 5)..]));
                    }

                    i += 2 + BinaryPrimitives.ReadUInt16BigEndian(data[(i + 2)..]);
                }

                return (null, null);
            case "image/webp" when data.Length >= 30:
                var chunk = data.Slice(12, 4);
                if (chunk.SequenceEqual("VP8 "u8))
                {
                    return (BinaryPrimitives.ReadUInt16LittleEndian(data[26..]) & 0x3FFF, BinaryPrimitives.ReadUInt16LittleEndian(data[28..]) & 0x3FFF);
                }

                if (chunk.SequenceEqual("VP8L"u8))
                {
                    var bits = BinaryPrimitives.ReadUInt32LittleEndian(data[21..]);
                    return ((int)(bits & 0x3FFF) + 1, (int)((bits >> 14) & 0x3FFF) + 1);
                }

                if (chunk.SequenceEqual("VP8X"u8))
                {
                    return ((data[24] | (data[25] << 8) | (data[26] << 16)) + 1, (data[27] | (data[28] << 8) | (data[29] << 16)) + 1);
                }

                return (null, null);
            default:
                return (null, null);
        }
    }
}
