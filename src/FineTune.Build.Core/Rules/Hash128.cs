using System.Buffers.Binary;
using System.Security.Cryptography;

namespace FineTune.Build.Rules;

/// <summary>A 128-bit content hash (the first half of SHA-256): collisions are not a practical concern.</summary>
public readonly record struct Hash128(ulong High, ulong Low)
{
    public static Hash128 Of(ReadOnlySpan<byte> bytes)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(bytes, hash);
        return new Hash128(BinaryPrimitives.ReadUInt64BigEndian(hash), BinaryPrimitives.ReadUInt64BigEndian(hash[8..]));
    }
}
