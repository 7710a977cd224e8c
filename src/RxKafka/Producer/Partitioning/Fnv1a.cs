namespace RxKafka.Producer.Partitioning;

/// <summary>
/// The 32-bit FNV-1a hash, and the partition librdkafka's <c>fnv1a</c> and <c>fnv1a_random</c>
/// partitioners derive from it. A few lines of arithmetic, so written here rather than taken from a package.
/// </summary>
internal static class Fnv1a
{
    /// <summary>FNV's 32-bit offset basis: the hash of no bytes.</summary>
    public const uint OffsetBasis = 0x811C9DC5;

    /// <summary>FNV's 32-bit prime.</summary>
    public const uint Prime = 0x01000193;

    /// <summary>The standard 32-bit FNV-1a of <paramref name="data"/>: for each byte, xor it in, then multiply by the prime. Allocates nothing.</summary>
    /// <param name="data">The bytes to hash.</param>
    public static uint Hash(ReadOnlySpan<byte> data)
    {
        var h = OffsetBasis;
        foreach (var b in data)
        {
            h ^= b;
            h *= Prime;
        }

        return h;
    }

    /// <summary>
    /// The partition librdkafka's FNV-1a partitioners choose: the hash read as a signed 32-bit integer,
    /// its absolute value (librdkafka does this to match Sarama's hash partitioner), then an unsigned
    /// modulo. <see cref="int.MinValue"/> has no positive counterpart and stays 2^31, as in C.
    /// </summary>
    /// <param name="key">The serialized key (a null key is hashed as an empty one).</param>
    /// <param name="partitionCount">How many partitions the topic has.</param>
    /// <returns>A partition index in [0, <paramref name="partitionCount"/>).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="partitionCount"/> is zero or negative.</exception>
    public static int Partition(ReadOnlySpan<byte> key, int partitionCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(partitionCount);
        var signed = unchecked((int)Hash(key));
        var magnitude = signed < 0 ? unchecked((uint)-signed) : (uint)signed;
        return (int)(magnitude % (uint)partitionCount);
    }
}
