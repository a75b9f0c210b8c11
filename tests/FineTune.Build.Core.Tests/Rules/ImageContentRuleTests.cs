using System.Buffers.Binary;
using FineTune.Build.Core.Tests.Compilation;
using FineTune.Build.Diagnostics;
using FineTune.Build.Examples;
using FineTune.Build.Rules;
using FineTune.Build.Tokens;
using static FineTune.Build.Core.Tests.Rules.RuleHarness;

namespace FineTune.Build.Core.Tests.Rules;

/// <summary>FT5011-FT5017 and image tokens, after OpenAI's vision fine-tuning guide.</summary>
[TestClass]
public sealed class ImageContentRuleTests
{
    private const string Https = "https://upload.wikimedia.org/wikipedia/commons/3/36/Danbo_Cheese.jpg";

    private static readonly ImageContentRule Rule = new();

    /// <summary>The start of a PNG: signature and IHDR with the given size (what the header reader needs).</summary>
    internal static byte[] Png(int width, int height)
    {
        var bytes = new byte[33];
        new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, (byte)'I', (byte)'H', (byte)'D', (byte)'R' }.CopyTo(bytes, 0);
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(16), (uint)width);
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(20), (uint)height);
        bytes[24] = 8;
        bytes[25] = 2;
        return bytes;
    }

    /// <summary>A JPEG's SOI, an APP0 segment and a baseline start-of-frame with the given size.</summary>
    private static byte[] Jpeg(int width, int height)
    {
        var bytes = new List<byte> { 0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, (byte)'J', (byte)'F', (byte)'I', (byte)'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0 };
        bytes.AddRange([0xFF, 0xC0, 0x00, 0x11, 0x08, (byte)(height >> 8), (byte)height, (byte)(width >> 8), (byte)width, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]);
        return [.. bytes];
    }

    /// <summary>An extended (VP8X) WEBP header with the given canvas size.</summary>
    private static byte[] Webp(int width, int height)
    {
        var bytes = new byte[30];
        "RIFF"u8.CopyTo(bytes);
        "WEBPVP8X"u8.CopyTo(bytes.AsSpan(8));
        bytes[16] = 10;
        var (w, h) = (width - 1, height - 1);
        (bytes[24], bytes[25], bytes[26]) = ((byte)w, (byte)(w >> 8), (byte)(w >> 16));
        (bytes[27], bytes[28], bytes[29]) = ((byte)h, (byte)(h >> 8), (byte)(h >> 16));
        return bytes;
    }

    private static string DataUrl(string type, byte[] bytes) => $"data:{type};base64,{Convert.ToBase64String(bytes)}";

    private static string Image(string url, string? detail = null)
        => "{\"type\": \"image_url\", \"image_url\": {\"url\": \"" + url + "\"" + (detail is null ? "" : ", \"detail\": \"" + detail + "\"") + "}}";

    private static string Line(string userParts, string assistant = "\"Danbo\"")
        => $$"""{"messages": [{"role": "user", "content": [{"type": "text", "text": "What is this cheese?"}, {{userParts}}]}, {"role": "assistant", "content": {{assistant}}}]}""";

    [TestMethod]
    public void ValidImages_PassTheRule()
    {
        var line = Line(string.Join(", ", Image(Https), Image(DataUrl("image/png", Png(640, 480)), "low"), Image(DataUrl("image/jpeg", Jpeg(800, 600)), "high"), Image(DataUrl("image/webp", Webp(300, 200)), "auto")));
        Assert.AreEqual("", Codes(Check(Rule, "a.jsonl", line + "\n")));
    }

    [TestMethod]
    public void AnImageInAnAssistantMessage_IsFT5012AtThePart()
    {
        var line = $$"""{"messages": [{"role": "user", "content": "Draw a cheese"}, {"role": "assistant", "content": [{{Image(Https)}}]}]}""";
        var d = Single(Check(Rule, "a.jsonl", line + "\n"), "FT5012", 1, Col(line, "{\"type\": \"image_url\""), DiagnosticSeverity.Error);
        StringAssert.Contains(d.Message, "An image in an assistant message: images may only be in user messages");
    }

    [TestMethod]
    public void ElevenImages_IsFT5013AtTheEleventh()
    {
        var line = Line(string.Join(", ", Enumerable.Repeat(Image(Https), 11)));
        Single(Check(Rule, "a.jsonl", line + "\n"), "FT5013", 1, Col(line, "{\"type\": \"image_url\"", 11), DiagnosticSeverity.Error);
        Assert.AreEqual("", Codes(Check(Rule, "b.jsonl", Line(string.Join(", ", Enumerable.Repeat(Image(Https), 10))) + "\n")));
    }

    [TestMethod]
    public void AGifDataUrl_IsFT5014AtTheUrl()
    {
        var url = "data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7";
        var line = Line(Image(url));
        var d = Single(Check(Rule, "a.jsonl", line + "\n"), "FT5014", 1, Col(line, "\"data:") , DiagnosticSeverity.Error);
        StringAssert.Contains(d.Message, "the data URL's type is 'image/gif': the API takes JPEG, PNG or WEBP images");
    }

    [TestMethod]
    [DataRow("<malformed_base64_image>", "\"<malformed_base64_image>\" is neither an http(s) URL nor a data URL")]
    [DataRow("data:image/png;base64,@@not base64@@", "the data URL's bytes are not valid base64 (\"@@not base64@@\")")]
    [DataRow("data:image/png;base64,/9j/4AAQSkZJRgABAQ==", "the data URL says image/png, but its bytes are a image/jpeg image")]
    [DataRow("ftp://example.com/a.png", "\"ftp://example.com/a.png\" is neither an http(s) URL nor a data URL")]
    public void AMalformedUrl_IsFT5014_QuotingIt(string url, string expected)
    {
        var line = Line(Image(url));
        var d = Single(Check(Rule, "a.jsonl", line + "\n"), "FT5014", 1, Col(line, "\"" + url[..5]), DiagnosticSeverity.Error);
        StringAssert.Contains(d.Message, expected);
    }

    [TestMethod]
    public void AnImageOverTenMegabytes_IsFT5015()
    {
        var big = Png(100, 100).Concat(new byte[ImageData.MaxBytes]).ToArray();
        var line = Line(Image(DataUrl("image/png", big)));

        // A 10 MB image is 14 MB of base64: over the default FineTuneMaxValueBytes (8 MiB), so this source raises it.
        using var folder = new TempFolder();
        var limits = new FineTune.Build.Sources.ReaderLimits { MaxValueBytes = 32L << 20, MaxLineBytes = 32L << 20, MaxExampleBytes = 32L << 20 };
        var source = new FineTune.Build.Sources.SourceFile(folder.Write("a.jsonl", line + "\n")) { Limits = limits };
        var d = Single(Check(Rule, Bind(source, DatasetFormat.Chat)), "FT5015", 1, Col(line, "\"data:"), DiagnosticSeverity.Error);
        StringAssert.Contains(d.Message, "10,485,793 bytes after base64 decoding, over the limit of 10,485,760");
    }

    [TestMethod]
    public void AnUnknownDetail_IsFT5016AtTheDetail()
    {
        var line = Line(Image(Https, "medium"));
        var d = Single(Check(Rule, "a.jsonl", line + "\n"), "FT5016", 1, Col(line, "\"medium\""), DiagnosticSeverity.Error);
        StringAssert.Contains(d.Message, "detail is 'medium': use low, high or auto.");
    }

    [TestMethod]
    public void AnUnsupportedPartType_AndATextPartWithoutText_AreFT5011()
    {
        var line = Line("""{"type": "input_audio", "input_audio": {"data": "AAAA", "format": "wav"}}, {"type": "text"}""");
        var diagnostics = Check(Rule, "a.jsonl", line + "\n");
        Assert.AreEqual($"FT5011(1,{Col(line, "\"input_audio\"")}) FT5011(1,{Col(line, "{\"type\": \"text\"}")})", Codes(diagnostics));
        StringAssert.Contains(diagnostics[0].Message, "Content part type 'input_audio' is not supported in fine-tuning");
    }

    [TestMethod]
    public void AnImageUrlWithoutUrl_IsFT2002FromTheBinder()
    {
        using var folder = new TempFolder();
        var run = CompileHarness.Compile(folder, "a.jsonl", Line("""{"type": "image_url", "image_url": {"detail": "low"}}""") + "\n",
            new CompileSetup { BaseModel = "gpt-4o-2024-08-06", Catalog = CompileSetup.MinExamplesOne });
        Assert.AreEqual("FT2002(1,129)", run.Codes);
        StringAssert.Contains(run.Only("FT2002").Message, "needs 'url'");
    }

    // Image tokens (OpenAI's vision guide, "Calculating costs").

    [TestMethod]
    [DataRow("low", 4096, 8192, 85)]
    [DataRow("high", 1024, 1024, 765)]
    [DataRow("high", 2048, 4096, 1105)]
    [DataRow("auto", 512, 512, 255)]
    [DataRow("high", 100, 100, 255)]
    [DataRow(null, null, null, 765)]
    public void ImageTokens_AsTheVisionGuideCountsThem(string? detail, int? width, int? height, int expected)
        => Assert.AreEqual(expected, ImageTokens.Estimate(detail, width, height));

    [TestMethod]
    public void HeaderDimensions_AreReadFromPngJpegAndWebp()
    {
        Assert.AreEqual((640, 480), Size(ImageData.Inspect(DataUrl("image/png", Png(640, 480)))));
        Assert.AreEqual((800, 600), Size(ImageData.Inspect(DataUrl("image/jpeg", Jpeg(800, 600)))));
        Assert.AreEqual((300, 200), Size(ImageData.Inspect(DataUrl("image/webp", Webp(300, 200)))));
        static (int?, int?) Size(ImageData image) => (image.Width, image.Height);
    }

    [TestMethod]
    public void ImageTokens_CountTowardTheExample()
    {
        using var folder = new TempFolder();
        var text = Bind(folder, "t.jsonl", Line("""{"type": "text", "text": ""}""") + "\n", DatasetFormat.Chat)[0];
        var withImages = Bind(folder, "i.jsonl", Line(Image(DataUrl("image/png", Png(1024, 1024)), "high") + ", " + Image(Https, "low")) + "\n", DatasetFormat.Chat)[0];
        var counter = TokenCounter.ForCurrentThread(Model().Tokenizer);
        Assert.AreEqual(765 + 85, TokenLimitRule.Count(withImages, counter) - TokenLimitRule.Count(text, counter));
    }

    [TestMethod]
    public void AnImagesBase64Bytes_AreNotScannedForSecrets()
    {
        // Random base64 takes key shapes: here a Google API key's (AIza + 35 base64url characters) after a '+'.
        const string keyShape = "AIzaSyA1234567890abcdefghijklmnopqrstuv";
        var url = "data:image/png;base64," + Convert.ToBase64String(Png(64, 64).Concat(new byte[3]).ToArray()) + "+" + keyShape;
        var setup = new CompileSetup { BaseModel = "gpt-4o-mini-2024-07-18", Catalog = CompileSetup.MinExamplesOne, Policy = new(noWarn: "FT4030") };

        using var folder = new TempFolder();
        Assert.AreEqual("", CompileHarness.Compile(folder, "a.jsonl", Line(Image(url)) + "\n", setup).Codes);
        using var other = new TempFolder();
        var asText = CompileHarness.Compile(other, "a.jsonl", Line("{\"type\": \"text\", \"text\": \"key +" + keyShape + "\"}") + "\n", setup);
        StringAssert.StartsWith(asText.Codes, "FT6004(");
    }
}
