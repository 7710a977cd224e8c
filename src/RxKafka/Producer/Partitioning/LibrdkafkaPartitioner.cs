using RxKafka.Cluster;

namespace RxKafka.Producer.Partitioning;

/// <summary>
/// librdkafka's partitioners by name (<see cref="Partitioner"/>): keyed records go where librdkafka puts
/// the same key bytes among the same number of partitions, over all the topic's partitions, with a
/// leader or not, as librdkafka does. Records librdkafka would partition "randomly" are sticky (KIP-480)
/// over the partitions with a leader: records with a null key under the <c>_random</c> variants and
/// <c>random</c>, and records with an empty key under <c>consistent_random</c> (librdkafka makes both sticky too).
/// </summary>
/// <remarks>Thread-safe; allocates nothing per record once a topic has been seen.</remarks>
internal sealed class LibrdkafkaPartitioner : IPartitioner
{
    private readonly Partitioner _name;
    private readonly StickyPartitions _sticky;

    /// <summary>The partitioner <paramref name="name"/> names.</summary>
    /// <param name="name">Which partitioner.</param>
    /// <param name="random">The source of sticky and random choices.</param>
    public LibrdkafkaPartitioner(Partitioner name, Random random)
    {
        if (!Enum.IsDefined(name))
        {
            throw new ArgumentOutOfRangeException(nameof(name), name, "not a Partitioner value");
        }

        _name = name;
        _sticky = new StickyPartitions(random);
    }

    /// <inheritdoc/>
    public int Partition(TopicMetadata topic, ReadOnlySpan<byte> key, bool keyIsNull, int valueLength)
    {
        ArgumentNullException.ThrowIfNull(topic);
        if (IsSticky(keyIsNull, key.Length))
        {
            return _sticky.Current(topic);
        }

        var count = topic.Partitions.Length;
        if (count == 0)
        {
            throw PartitionerTopicState.NoPartitions(topic);
        }

        // A null key arrives as an empty span, so the non-random variants hash it as an empty key, as librdkafka does.
        return _name switch
        {
            Partitioner.Murmur2 or Partitioner.Murmur2Random => Murmur2.Partition(key, count),
            Partitioner.Consistent or Partitioner.ConsistentRandom => ConsistentHash.Partition(key, count),
            Partitioner.Fnv1a or Partitioner.Fnv1aRandom => Fnv1a.Partition(key, count),
            _ => _sticky.Any(topic),
        };
    }

    /// <inheritdoc/>
    public void OnNewBatch(TopicMetadata topic, int previousPartition)
    {
        // Only the variants with a sticky partition have one to move.
        if (_name is not (Partitioner.Murmur2 or Partitioner.Consistent or Partitioner.Fnv1a))
        {
            _sticky.OnNewBatch(topic, previousPartition);
        }
    }

    private bool IsSticky(bool keyIsNull, int keyLength) => _name switch
    {
        Partitioner.Murmur2 or Partitioner.Consistent or Partitioner.Fnv1a => false,
        Partitioner.ConsistentRandom => keyIsNull || keyLength == 0,
        _ => keyIsNull,
    };
}
