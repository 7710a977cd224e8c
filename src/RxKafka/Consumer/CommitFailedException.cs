namespace RxKafka.Consumer;

/// <summary>
/// Offsets could not be committed: the group moved on (a rebalance, a new generation, this member fenced
/// or removed) or the coordinator refused them. <see cref="KafkaException.ErrorCode"/> says which; the
/// partitions affected are named. Records processed since the last commit will be read again by whoever owns
/// their partitions next: at least once, never lost.
/// </summary>
public sealed class CommitFailedException : KafkaException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="error">The coordinator's error.</param>
    /// <param name="message">What failed.</param>
    /// <param name="partitions">The partitions whose offsets were not committed.</param>
    public CommitFailedException(ErrorCode error, string message, IReadOnlyList<TopicPartition> partitions)
        : base(error, message)
    {
        Partitions = partitions;
    }

    /// <summary>The partitions whose offsets were not committed.</summary>
    public IReadOnlyList<TopicPartition> Partitions { get; }
}
