using System.IO.Hashing;

namespace RxKafka.Producer.Partitioning;

/// <summary>
/// The partition librdkafka's <c>consistent</c> and <c>consistent_random</c> partitioners choose: the
/// CRC-32 (IEEE, as zlib's <c>crc32</c>) of the key, unsigned, modulo the partition count.
/// </summary>
internal static class ConsistentHash
{
    /// <summary>
    /// <c>crc32(key) % partitionCount</c> in unsigned arithmetic (librdkafka's <c>uint32_t % int32_t</c>
    /// is unsigned in C). The CRC-32 of no bytes is 0, so null and empty keys land on partition 0. Allocates nothing.
    /// </summary>
    /// <param name="key">The serialized key.</param>
    /// <param name="partitionCount">How many partitions the topic has.</param>
    /// <returns>A partition index in [0, <paramref name="partitionCount"/>).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="partitionCount"/> is zero or negative.</exception>
    public static int Partition(ReadOnlySpan<byte> key, int partitionCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(partitionCount);
        return (int)(Crc32.HashToUInt32(key) % (uint)partitionCount);
    }
}
