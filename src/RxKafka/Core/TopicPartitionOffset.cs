namespace RxKafka;

/// <summary>A position in a partition: the offset of a record, or the next offset to read or commit.</summary>
/// <param name="TopicPartition">The partition.</param>
/// <param name="Offset">The offset.</param>
public readonly record struct TopicPartitionOffset(TopicPartition TopicPartition, long Offset)
{
    /// <summary>A position in partition <paramref name="partition"/> of <paramref name="topic"/>.</summary>
    /// <param name="topic">The topic.</param>
    /// <param name="partition">The partition.</param>
    /// <param name="offset">The offset.</param>
    public TopicPartitionOffset(string topic, int partition, long offset)
        : this(new TopicPartition(topic, partition), offset)
    {
    }

    /// <summary>The topic.</summary>
    public string Topic => TopicPartition.Topic;

    /// <summary>The partition number.</summary>
    public int Partition => TopicPartition.Partition;

    /// <inheritdoc/>
    public override string ToString() => $"{TopicPartition}@{Offset}";
}
