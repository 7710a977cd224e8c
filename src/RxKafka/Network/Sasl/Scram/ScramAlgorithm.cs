using System.Security.Cryptography;

namespace RxKafka.Network.Sasl.Scram;

/// <summary>The hash function behind a SCRAM mechanism: H, HMAC and Hi (PBKDF2) of RFC 5802.</summary>
internal sealed class ScramAlgorithm
{
    /// <summary>Kafka's minimum iteration count for both SCRAM mechanisms.</summary>
    internal const int MinIterations = 4096;

    /// <summary>
    /// A ceiling that keeps a hostile or broken broker from making the client hash for minutes;
    /// far above Kafka's own limit (16384).
    /// </summary>
    internal const int MaxIterations = 1_000_000;

    internal static readonly ScramAlgorithm Sha256 = new(ScramMechanism.Sha256Name, HashAlgorithmName.SHA256, 32);
    internal static readonly ScramAlgorithm Sha512 = new(ScramMechanism.Sha512Name, HashAlgorithmName.SHA512, 64);

    private ScramAlgorithm(string name, HashAlgorithmName hash, int hashSize)
    {
        Name = name;
        Hash = hash;
        HashSize = hashSize;
    }

    internal string Name { get; }

    internal HashAlgorithmName Hash { get; }

    /// <summary>The digest size in bytes.</summary>
    internal int HashSize { get; }

    internal static ScramAlgorithm? FromName(string name) =>
        string.Equals(name, Sha256.Name, StringComparison.OrdinalIgnoreCase) ? Sha256
        : string.Equals(name, Sha512.Name, StringComparison.OrdinalIgnoreCase) ? Sha512
        : null;

    /// <summary>Hi(password, salt, i): PBKDF2 with HMAC of this hash, one block.</summary>
    internal byte[] SaltedPassword(ReadOnlySpan<byte> password, ReadOnlySpan<byte> salt, int iterations) =>
        Rfc2898DeriveBytes.Pbkdf2(password, salt, iterations, Hash, HashSize);

    internal byte[] Hmac(ReadOnlySpan<byte> key, ReadOnlySpan<byte> data) =>
        HashSize == 32 ? HMACSHA256.HashData(key, data) : HMACSHA512.HashData(key, data);

    internal byte[] H(ReadOnlySpan<byte> data) =>
        HashSize == 32 ? SHA256.HashData(data) : SHA512.HashData(data);
}
