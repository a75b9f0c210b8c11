using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using FineTune.Build.Sources;

namespace FineTune.Build.Compilation;

/// <summary>
/// Decides train or validation for each example from a hash of its identity and FineTuneSplitSeed alone, so adding
/// or removing examples never moves the others, and the same sources split the same way on any machine. A
/// threshold on a uniform hash keeps every class near the fraction (stratified in expectation).
/// </summary>
public sealed class SplitAssigner
{
    private readonly double _fraction;
    private readonly byte[] _seed;

    public SplitAssigner(double fraction, string seed)
    {
        _fraction = fraction;
        _seed = Encoding.UTF8.GetBytes(seed + "\0");
    }

    public double Fraction => _fraction;

    /// <summary>True when the example goes to the validation file.</summary>
    public bool IsValidation(ReadOnlySpan<byte> identity, SplitPin pin)
    {
        if (pin != SplitPin.None)
        {
            return pin == SplitPin.Validation;
        }

        if (_fraction <= 0)
        {
            return false;
        }

        return Position(identity) < _fraction;
    }

    /// <summary>The example's place in [0, 1): the first 8 bytes of SHA-256(seed, 0, identity).</summary>
    public double Position(ReadOnlySpan<byte> identity)
    {
        // One-shot hash over a pooled copy: an IncrementalHash per example cost as much as making its bytes.
        Span<byte> hash = stackalloc byte[32];
        var length = _seed.Length + identity.Length;
        var rented = System.Buffers.ArrayPool<byte>.Shared.Rent(length);
        _seed.CopyTo(rented, 0);
        identity.CopyTo(rented.AsSpan(_seed.Length));
        SHA256.HashData(rented.AsSpan(0, length), hash);
        System.Buffers.ArrayPool<byte>.Shared.Return(rented);
        var value = BinaryPrimitives.ReadUInt64BigEndian(hash);
        return (value >> 11) * (1.0 / (1UL << 53));
    }
}
