using FineTune.Build.Documents;
using FineTune.Build.Output;
using static FineTune.Build.Core.Tests.TestFiles;

namespace FineTune.Build.Core.Tests.Output;

// Every expected string was produced by Python 3's json.dumps (ensure_ascii=True, default separators).
[TestClass]
public sealed class CanonicalJsonWriterTests
{
    private static ScalarNode S(string text) => new(ScalarKind.String, text, 1, 1);

    private static ScalarNode N(string text) => new(ScalarKind.Number, text, 1, 1);

    private static Property P(string name, Node value) => new(name, 1, 1, value);

    private static string Bytes(Node node) => Utf8.GetString(CanonicalJsonWriter.ToBytes(node));

    [TestMethod]
    [DataRow("plain ASCII", "\"plain ASCII\"")]
    [DataRow("quote \" and backslash \\ and slash /", "\"quote \\\" and backslash \\\\ and slash /\"")]
    [DataRow("ctl \u0001 \u001f \u007f \b \f \n \r \t", "\"ctl \\u0001 \\u001f \\u007f \\b \\f \\n \\r \\t\"")]
    [DataRow("café", "\"caf\\u00e9\"")]
    [DataRow("emoji 😀", "\"emoji \\ud83d\\ude00\"")]
    [DataRow("中文", "\"\\u4e2d\\u6587\"")]
    [DataRow("\u2028\u2029", "\"\\u2028\\u2029\"")]
    [DataRow("\ufeff", "\"\\ufeff\"")]
    [DataRow("\u0080\u00ff\u0100\uffff", "\"\\u0080\\u00ff\\u0100\\uffff\"")]
    [DataRow("", "\"\"")]
    public void Strings_MatchPythonJsonDumps(string value, string expected)
    {
        Assert.AreEqual(expected, Bytes(S(value)));
    }

    [TestMethod]
    public void NulCharacter_IsEscaped()
    {
        Assert.AreEqual("\"a\\u0000b\"", Bytes(S("a\0b")));
    }

    [TestMethod]
    public void ObjectsAndArrays_UsePythonSeparators()
    {
        var node = new ObjectNode(
        [
            P("prompt", S("a")),
            P("completion", S(" b END")),
            P("nested", new ArrayNode([N("1"), new ScalarNode(ScalarKind.True, "true", 1, 1), new ScalarNode(ScalarKind.False, "false", 1, 1), new ScalarNode(ScalarKind.Null, "null", 1, 1), new ObjectNode([P("k", new ArrayNode([], 1, 1))], 1, 1)], 1, 1)),
            P("e", new ObjectNode([], 1, 1)),
        ], 1, 1);

        Assert.AreEqual("{\"prompt\": \"a\", \"completion\": \" b END\", \"nested\": [1, true, false, null, {\"k\": []}], \"e\": {}}", Bytes(node));
    }

    [TestMethod]
    [DataRow("1.50")]
    [DataRow("-0")]
    [DataRow("1e5")]
    [DataRow("12345678901234567890123")]
    public void Numbers_AreKeptAsWritten(string number)
    {
        Assert.AreEqual("{\"weight\": " + number + "}", Bytes(new ObjectNode([P("weight", N(number))], 1, 1)));
    }

    [TestMethod]
    public void KeysAreEscapedToo()
    {
        Assert.AreEqual("{\"cl\\u00e9\\n\": \"v\"}", Bytes(new ObjectNode([P("clé\n", S("v"))], 1, 1)));
    }

    [TestMethod]
    public void NoBom_AndTheBufferIsReusedWithoutLeftovers()
    {
        var first = CanonicalJsonWriter.ToBytes(new ObjectNode([P("prompt", S("a much longer value than the next one"))], 1, 1));
        var second = CanonicalJsonWriter.ToBytes(new ObjectNode([P("p", S("b"))], 1, 1));

        Assert.AreEqual((byte)'{', first[0]);
        Assert.AreEqual("{\"p\": \"b\"}", Utf8.GetString(second));
    }

    [TestMethod]
    public void LongStrings_LargerThanTheBuffer_AreWrittenWhole()
    {
        // 200,000 non-ASCII chars become 1.2 MB of \u escapes: far beyond the initial 16 KB buffer.
        var text = new string('é', 200_000);
        var bytes = CanonicalJsonWriter.ToBytes(new ObjectNode([P("p", S(text))], 1, 1));

        Assert.AreEqual("{\"p\": \"" + string.Concat(Enumerable.Repeat("\\u00e9", 200_000)) + "\"}", Utf8.GetString(bytes));
        Assert.AreEqual("{\"z\": \"y\"}", Utf8.GetString(CanonicalJsonWriter.ToBytes(new ObjectNode([P("z", S("y"))], 1, 1))));
    }

    [TestMethod]
    public void MixedStrings_MatchACharacterByCharacterEscape()
    {
        // Runs of printable ASCII are copied in bulk: check every boundary (run at the start, end, between escapes,
        // length 0 to 40, around 0x1F/0x20 and 0x7E/0x7F) against the rule applied one character at a time.
        char[] alphabet = ['a', 'Z', '0', ' ', '~', '!', '"', '\\', '/', '\n', '\r', '\t', '\b', '\f', '\u0000', '\u001f', '\u007f', '\u0080', 'é', '中', '\ud83d', '\ude00', '\uffff'];
        var random = new Random(8);
        for (var i = 0; i < 2_000; i++)
        {
            var chars = new char[random.Next(0, 80)];
            var ascii = random.Next(2) == 0;
            for (var k = 0; k < chars.Length; k++)
            {
                chars[k] = ascii && random.Next(8) > 0 ? (char)random.Next(0x20, 0x7F) : alphabet[random.Next(alphabet.Length)];
            }

            var text = new string(chars);
            Assert.AreEqual(Escaped(text), Bytes(S(text)), $"text {i}");
        }
    }

    private static string Escaped(string text)
    {
        var expected = new System.Text.StringBuilder("\"");
        foreach (var c in text)
        {
            expected.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                '\b' => "\\b",
                '\f' => "\\f",
                < ' ' or > '~' => $"\\u{(int)c:x4}",
                _ => c.ToString(),
            });
        }

        return expected.Append('"').ToString();
    }
}
