using System.Collections.Concurrent;
using Microsoft.ML.Tokenizers;

namespace FineTune.Build.Tokens;

/// <summary>
/// Exact token counts with OpenAI's tiktoken encodings (Microsoft.ML.Tokenizers).
/// An instance is not thread-safe (it keeps its own cache of word counts, see <see cref="WordTokenCache"/>): parallel
/// workers each use their own (<see cref="Create"/>, <see cref="ForCurrentThread"/>); the vocabulary itself is loaded
/// once per encoding per process and shared.
/// </summary>
public sealed partial class TokenCounter
{
    // CreateForEncoding keeps the vocabulary in a process-wide cache but its constructor writes the special tokens into
    // that shared decoder dictionary; serializing creation keeps the first load single and those writes race-free.
    private static readonly object s_createLock = new();
    private static readonly ConcurrentDictionary<string, IReadOnlyList<string>> s_specialTokens = new(StringComparer.Ordinal);

    [ThreadStatic] private static Dictionary<string, TokenCounter>? t_perThread;

    private readonly TiktokenTokenizer _tokenizer;
    private readonly IReadOnlyList<string> _specialTokens;
    private readonly System.Text.RegularExpressions.Regex _pattern;
    private readonly WordTokenCache _words = new();

    private TokenCounter(string encodingName, TiktokenTokenizer tokenizer)
    {
        EncodingName = encodingName;
        _tokenizer = tokenizer;
        _specialTokens = s_specialTokens.GetOrAdd(encodingName, _ =>
            (tokenizer.SpecialTokens?.Keys ?? Enumerable.Empty<string>()).OrderBy(k => k, StringComparer.Ordinal).ToArray());
        Overheads = ChatTokenOverheads.For(encodingName);
        _pattern = TokenPatterns.For(encodingName)
            ?? throw new ArgumentException($"No pre-tokenizer pattern for '{encodingName}'.", nameof(encodingName));
    }

    /// <summary>The tiktoken encoding name, e.g. <c>o200k_base</c>.</summary>
    public string EncodingName { get; }

    /// <summary>The chat and tool overheads used by <see cref="CountChat"/> for this encoding.</summary>
    public ChatTokenOverheads Overheads { get; }

    /// <summary>The encoding's special tokens (such as <c>&lt;|endoftext|&gt;</c>), which the fine-tuning API rejects in text.</summary>
    public IReadOnlyList<string> SpecialTokens => _specialTokens;

    /// <summary>A new counter with its own cache. Cheap after the first one per encoding (the vocabulary is shared).</summary>
    /// <exception cref="ArgumentException">The encoding is not one of <see cref="TokenEncodings.All"/>.</exception>
    public static TokenCounter Create(string encodingName)
    {
        if (!TokenEncodings.IsSupported(encodingName))
        {
            throw new ArgumentException(
                $"Unknown tokenizer encoding '{encodingName}'; use one of {string.Join(", ", TokenEncodings.All)}.",
                nameof(encodingName));
        }

        lock (s_createLock)
        {
            return new TokenCounter(encodingName, TiktokenTokenizer.CreateForEncoding(encodingName));
        }
    }

    /// <summary>
    /// The calling thread's own counter for the encoding, created on first use. Use this from parallel workers: one
    /// instance per thread was measured faster than one shared instance (see benchmarks/FineTune.Build.Benchmarks).
    /// </summary>
    public static TokenCounter ForCurrentThread(string encodingName)
    {
        var cache = t_perThread ??= new Dictionary<string, TokenCounter>(StringComparer.Ordinal);
        if (!cache.TryGetValue(encodingName, out var counter))
        {
            counter = Create(encodingName);
            cache[encodingName] = counter;
        }

        return counter;
    }

    /// <summary>Number of tokens in <paramref name="text"/>. Special tokens in the text count as one token each, as
    /// tiktoken does with <c>allowed_special="all"</c>; use <see cref="FindSpecialToken"/> to reject them.</summary>
    public int CountTokens(string? text) =>
        string.IsNullOrEmpty(text) ? 0 : CountTokens(text.AsSpan());

    /// <inheritdoc cref="CountTokens(string?)"/>
    public int CountTokens(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty)
        {
            return 0;
        }

        // BPE merges within one pre-token take time quadratic in its length, and a pre-token is a run of letters,
        // of punctuation or of white space: 1 MB of one letter took minutes. Text with a run longer than
        // LongRun is counted in pieces cut inside such runs (exact for normal text, which has no such run;
        // within a few tokens per cut for the pathological case), so the time is linear in the length.
        var cut = FindLongRunCut(text);
        if (cut < 0)
        {
            return CountPiece(text);
        }

        var total = 0;
        while (cut >= 0)
        {
            total += CountPiece(text[..cut]);
            text = text[cut..];
            cut = FindLongRunCut(text);
        }

        return total + (text.IsEmpty ? 0 : CountPiece(text));
    }

    /// <summary>
    /// What the library's CountTokens does, in one regex enumeration per segment: special tokens split the text and
    /// count one each; the pattern splits the rest into words; each word is encoded on its own (cached when short).
    /// </summary>
    private int CountPiece(ReadOnlySpan<char> text)
    {
        var total = 0;
        while (!text.IsEmpty)
        {
            var (at, length) = FindFirstSpecial(text);
            var segment = at < 0 ? text : text[..at];
            foreach (var match in _pattern.EnumerateMatches(segment))
            {
                total += CountWord(segment.Slice(match.Index, match.Length));
            }

            if (at < 0)
            {
                break;
            }

            total++;
            text = text[(at + length)..];
        }

        return total;
    }

    private int CountWord(ReadOnlySpan<char> word)
    {
        if (word.Length > WordTokenCache.MaxWordLength)
        {
            return _tokenizer.CountTokens(word, considerPreTokenization: false, considerNormalization: false);
        }

        if (_words.TryGet(word, out var count, out var slot))
        {
            return count;
        }

        count = _tokenizer.CountTokens(word, considerPreTokenization: false, considerNormalization: false);
        _words.Add(word, count, slot);
        return count;
    }

    private (int At, int Length) FindFirstSpecial(ReadOnlySpan<char> text)
    {
        if (text.IndexOf("<|", StringComparison.Ordinal) < 0)
        {
            return (-1, 0);
        }

        var at = -1;
        var length = 0;
        foreach (var special in _specialTokens)
        {
            var index = text.IndexOf(special, StringComparison.Ordinal);
            if (index >= 0 && (at < 0 || index < at))
            {
                at = index;
                length = special.Length;
            }
        }

        return (at, length);
    }

    /// <summary>
    /// Number of tokens in <paramref name="text"/> when it is at most <paramref name="maxTokens"/> (the same count as
    /// <see cref="CountTokens(ReadOnlySpan{char})"/>); otherwise <paramref name="maxTokens"/> + 1, found without
    /// encoding the rest of the text, so the time is bounded by the limit, not the length.
    /// </summary>
    public int CountTokens(ReadOnlySpan<char> text, int maxTokens)
    {
        var total = 0;
        while (!text.IsEmpty)
        {
            var cut = FindLongRunCut(text);
            var piece = cut < 0 ? text : text[..cut];
            text = cut < 0 ? [] : text[cut..];
            var remaining = maxTokens - total;

            // A token is at least one UTF-8 byte, so a piece of no more bytes than the budget is simply counted.
            if (piece.Length * 3 <= remaining)
            {
                total += _tokenizer.CountTokens(piece);
                continue;
            }

            if (remaining <= 0)
            {
                return maxTokens + 1;
            }

            var end = _tokenizer.GetIndexByTokenCount(piece, remaining, out var normalized, out var count);
            if (end < (normalized?.Length ?? piece.Length))
            {
                return maxTokens + 1;
            }

            total += count;
        }

        return total;
    }

    /// <summary>Runs of one character class longer than this are counted in pieces.</summary>
    internal const int LongRun = 256;

    /// <summary>
    /// The offset at which to cut <paramref name="text"/>: <see cref="LongRun"/> characters into the first run of one
    /// class (letters and marks, white space, or other symbols) longer than that; -1 when there is none.
    /// </summary>
    private static int FindLongRunCut(ReadOnlySpan<char> text)
    {
        var runStart = 0;
        var runClass = -1;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            var charClass = char.IsLetter(c) || char.IsSurrogate(c) || System.Globalization.CharUnicodeInfo.GetUnicodeCategory(c) is System.Globalization.UnicodeCategory.NonSpacingMark or System.Globalization.UnicodeCategory.SpacingCombiningMark
                ? 0
                : char.IsWhiteSpace(c) ? 1 : char.IsDigit(c) ? 2 : 3;
            if (charClass != runClass)
            {
                runClass = charClass;
                runStart = i;
            }
            else if (i - runStart >= LongRun && charClass != 2 && !char.IsLowSurrogate(c))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Token ids of <paramref name="text"/> (for reports and tests).</summary>
    public IReadOnlyList<int> EncodeToIds(string? text) =>
        string.IsNullOrEmpty(text) ? Array.Empty<int>() : _tokenizer.EncodeToIds(text);

    /// <summary>
    /// True when <paramref name="text"/> is exactly one token (a classification label such as <c>" yes"</c>, so that
    /// <c>max_tokens=1</c> returns the whole label). Stops encoding after the first token instead of counting all.
    /// </summary>
    public bool IsSingleToken(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        int end = _tokenizer.GetIndexByTokenCount(text, maxTokenCount: 1, out string? normalized, out int tokenCount);
        return tokenCount == 1 && end == (normalized ?? text).Length;
    }

    /// <summary>The first special token that occurs in <paramref name="text"/> (ordinal), or null.</summary>
    public string? FindSpecialToken(string? text)
    {
        if (string.IsNullOrEmpty(text) || text.IndexOf("<|", StringComparison.Ordinal) < 0)
        {
            return null;
        }

        string? first = null;
        int firstIndex = int.MaxValue;
        foreach (var special in _specialTokens)
        {
            int index = text.IndexOf(special, StringComparison.Ordinal);
            if (index >= 0 && index < firstIndex)
            {
                first = special;
                firstIndex = index;
            }
        }

        return first;
    }
}
