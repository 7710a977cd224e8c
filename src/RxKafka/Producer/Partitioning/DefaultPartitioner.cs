using RxKafka.Cluster;

namespace RxKafka.Producer.Partitioning;

/// <summary>
/// The Java client's default partitioning. A keyed record goes to
/// <c>toPositive(murmur2(key)) % partitionCount</c> over all the topic's partitions, with a leader or not,
/// so the same key lands on the same partition as with the Java client (<see cref="Murmur2.Partition"/>).
/// A record without a key goes to the topic's sticky partition (KIP-480), chosen at random among the
/// partitions that have a leader (any partition when none has), and moved to another such partition
/// when <see cref="OnNewBatch"/> says its batch completed, so unkeyed records fill whole batches.
/// </summary>
/// <remarks>Thread-safe; allocates nothing per record once a topic has been seen.</remarks>
public sealed class DefaultPartitioner : IPartitioner
{
    private readonly StickyPartitions _sticky;

    /// <summary>A default partitioner drawing sticky partitions from <see cref="Random.Shared"/>.</summary>
    public DefaultPartitioner()
        : this(Random.Shared)
    {
    }

    /// <summary>A default partitioner drawing sticky partitions from <paramref name="random"/> (seed it for repeatable choices).</summary>
    /// <param name="random">The source of sticky partition choices; used under a lock, so any instance will do.</param>
    public DefaultPartitioner(Random random) => _sticky = new StickyPartitions(random);

    /// <inheritdoc/>
    public int Partition(TopicMetadata topic, ReadOnlySpan<byte> key, bool keyIsNull, int valueLength)
    {
        ArgumentNullException.ThrowIfNull(topic);
        if (keyIsNull)
        {
            return _sticky.Current(topic);
        }

        var partitions = topic.Partitions;
        return partitions.IsDefaultOrEmpty ? throw PartitionerTopicState.NoPartitions(topic) : Murmur2.Partition(key, partitions.Length);
    }

    /// <inheritdoc/>
    public void OnNewBatch(TopicMetadata topic, int previousPartition) => _sticky.OnNewBatch(topic, previousPartition);
}
