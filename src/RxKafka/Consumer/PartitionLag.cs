namespace RxKafka.Consumer;

/// <summary>How far a consumer is behind in one partition, as the latest fetch answer showed it.</summary>
/// <param name="TopicPartition">The partition.</param>
/// <param name="Position">The next offset the consumer delivers.</param>
/// <param name="EndOffset">The end the consumer can read to: the high watermark, or the last stable offset under read_committed.</param>
public readonly record struct PartitionLag(TopicPartition TopicPartition, long Position, long EndOffset)
{
    /// <summary>Records (offsets) between the position and the end: 0 when caught up.</summary>
    public long Lag => Math.Max(0, EndOffset - Position);

    /// <inheritdoc/>
    public override string ToString() => $"{TopicPartition} lag {Lag} ({Position}/{EndOffset})";
}
