using System.Buffers.Binary;

namespace RxKafka.Producer.Partitioning;

/// <summary>
/// Kafka's key hash: 32-bit MurmurHash2 with seed <c>0x9747b28c</c>, as the Java client's
/// <c>Utils.murmur2</c> computes it, and the partition its default partitioner derives from it. The same
/// key bytes and partition count give the same partition as the Java client (and librdkafka's
/// <c>murmur2</c> / <c>murmur2_random</c> partitioners), so keyed records from every client meet on one partition.
/// </summary>
internal static class Murmur2
{
    /// <summary>The seed the Java client hashes keys with.</summary>
    public const uint Seed = 0x9747b28c;

    // MurmurHash2's multiplier and shift.
    private const uint M = 0x5bd1e995;
    private const int R = 24;

    /// <summary>
    /// The hash of <paramref name="data"/> as the Java client's <c>Utils.murmur2(byte[])</c> returns it:
    /// a signed 32-bit integer. Allocates nothing.
    /// </summary>
    /// <param name="data">The bytes to hash (for a record, its serialized key).</param>
    public static int Hash(ReadOnlySpan<byte> data)
    {
        var h = Seed ^ (uint)data.Length;

        // Whole 4-byte words, little-endian whatever the machine's order.
        var whole = data.Length & ~3;
        for (var at = 0; at < whole; at += 4)
        {
            var k = BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(at, 4));
            k *= M;
            k ^= k >> R;
            k *= M;
            h *= M;
            h ^= k;
        }

        // The last 1-3 bytes, unsigned, folded in from the highest; only then one more multiply.
        switch (data.Length & 3)
        {
            case 3:
                h ^= (uint)data[whole + 2] << 16;
                goto case 2;
            case 2:
                h ^= (uint)data[whole + 1] << 8;
                goto case 1;
            case 1:
                h ^= data[whole];
                h *= M;
                break;
        }

        h ^= h >> 13;
        h *= M;
        h ^= h >> 15;
        return unchecked((int)h);
    }

    /// <summary>
    /// The Java client's <c>Utils.toPositive</c>: <paramref name="hash"/> with its sign bit cleared
    /// (not its absolute value), so <see cref="int.MinValue"/> becomes 0.
    /// </summary>
    /// <param name="hash">A hash.</param>
    public static int ToPositive(int hash) => hash & 0x7fffffff;

    /// <summary>
    /// The partition the Java client's default partitioner chooses for a record with this key:
    /// <c>toPositive(murmur2(key)) % partitionCount</c>, over all the topic's partitions whether or not they
    /// have a leader. Allocates nothing.
    /// </summary>
    /// <param name="key">The serialized key (an empty key is a key, and hashes like any other).</param>
    /// <param name="partitionCount">How many partitions the topic has.</param>
    /// <returns>A partition index in [0, <paramref name="partitionCount"/>).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="partitionCount"/> is zero or negative.</exception>
    public static int Partition(ReadOnlySpan<byte> key, int partitionCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(partitionCount);
        return ToPositive(Hash(key)) % partitionCount;
    }
}
