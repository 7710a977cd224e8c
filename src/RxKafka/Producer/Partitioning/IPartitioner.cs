using RxKafka.Cluster;

namespace RxKafka.Producer.Partitioning;

/// <summary>
/// Chooses the partition of a record that does not name one. The producer calls <see cref="Partition"/>
/// once per record on its hot path, from several threads at once, so an implementation must be
/// thread-safe and should allocate nothing per call.
/// </summary>
/// <remarks>
/// <para>
/// A record that names its partition (an explicit partition) bypasses the partitioner: the producer
/// sends it to that partition, available or not, and calls neither <see cref="Partition"/> nor
/// <see cref="OnNewBatch"/> for it.
/// </para>
/// <para>
/// Built-ins: <see cref="DefaultPartitioner"/> (murmur2 for keyed records as the Java client, sticky
/// partitioning for the rest, KIP-480), <see cref="UniformStickyPartitioner"/> (sticky for every record,
/// keys ignored) and <see cref="RoundRobinPartitioner"/> (one record per available partition in turn);
/// librdkafka's partitioners by name through <see cref="ProducerOptions.Partitioner"/>.
/// </para>
/// </remarks>
public interface IPartitioner
{
    /// <summary>The partition for one record.</summary>
    /// <param name="topic">
    /// The record's topic as the producer's current cluster snapshot describes it; the producer calls only
    /// once the topic's partitions are known. A partition is available when it has a leader
    /// (<see cref="PartitionMetadata.IsAvailable"/>).
    /// </param>
    /// <param name="key">The serialized key; empty when <paramref name="keyIsNull"/>.</param>
    /// <param name="keyIsNull">
    /// Whether the record has no key. A null key and an empty key differ: an empty key is hashed like any
    /// other, a null key is partitioned without one.
    /// </param>
    /// <param name="valueLength">The serialized value's length in bytes, or -1 for a null value (a tombstone).</param>
    /// <returns>The index of one of <paramref name="topic"/>'s partitions.</returns>
    int Partition(TopicMetadata topic, ReadOnlySpan<byte> key, bool keyIsNull, int valueLength);

    /// <summary>
    /// Tells the partitioner that the batch it was filling for <paramref name="previousPartition"/> is
    /// complete (full, or lingered long enough to be sent) and a new batch is about to start there. A
    /// sticky partitioner moves on to another partition (KIP-480); others may ignore it.
    /// </summary>
    /// <param name="topic">The topic as the producer's current cluster snapshot describes it.</param>
    /// <param name="previousPartition">The partition whose batch completed.</param>
    void OnNewBatch(TopicMetadata topic, int previousPartition);
}
