using RxKafka.Cluster;

namespace RxKafka.Producer.Partitioning;

/// <summary>
/// Sticky partitioning for every record, keyed or not, as the Java client's
/// <c>UniformStickyPartitioner</c>: records go to one partition, chosen at random among those with a
/// leader (any when none has), until <see cref="OnNewBatch"/> says its batch completed. Keys are ignored,
/// so records with the same key are not kept on one partition; use <see cref="DefaultPartitioner"/> for that.
/// </summary>
/// <remarks>Thread-safe; allocates nothing per record once a topic has been seen.</remarks>
public sealed class UniformStickyPartitioner : IPartitioner
{
    private readonly StickyPartitions _sticky;

    /// <summary>A uniform sticky partitioner drawing partitions from <see cref="Random.Shared"/>.</summary>
    public UniformStickyPartitioner()
        : this(Random.Shared)
    {
    }

    /// <summary>A uniform sticky partitioner drawing partitions from <paramref name="random"/> (seed it for repeatable choices).</summary>
    /// <param name="random">The source of sticky partition choices; used under a lock, so any instance will do.</param>
    public UniformStickyPartitioner(Random random) => _sticky = new StickyPartitions(random);

    /// <inheritdoc/>
    public int Partition(TopicMetadata topic, ReadOnlySpan<byte> key, bool keyIsNull, int valueLength) => _sticky.Current(topic);

    /// <inheritdoc/>
    public void OnNewBatch(TopicMetadata topic, int previousPartition) => _sticky.OnNewBatch(topic, previousPartition);
}
