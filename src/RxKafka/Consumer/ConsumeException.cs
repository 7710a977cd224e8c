namespace RxKafka.Consumer;

/// <summary>
/// A record or a partition could not be read: a deserializer threw, a batch failed its CRC or was
/// malformed, the position is out of range with no reset (<c>auto.offset.reset=none</c>), or the broker
/// refused the partition (an authorization error, say). It names the partition and the offset, and the
/// consumer's position stays at that offset: nothing before it was skipped, and reading again after a
/// <c>Seek</c> past it (skip) or not at all (stop) is the application's choice.
/// </summary>
public sealed class ConsumeException : KafkaException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="position">The partition, and the offset that could not be read.</param>
    /// <param name="error">The Kafka error, or <see cref="ErrorCode.None"/> for a local one (a deserializer's).</param>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause, if any.</param>
    /// <param name="nextOffset">The first offset after what could not be read (after a corrupt batch, the batch's end), or null when unknown.</param>
    public ConsumeException(TopicPartitionOffset position, ErrorCode error, string message, Exception? innerException = null, long? nextOffset = null)
        : base(error, $"{position}: {message}", innerException)
    {
        Position = position;
        NextOffset = nextOffset;
    }

    /// <summary>The partition, and the offset that could not be read.</summary>
    public TopicPartitionOffset Position { get; }

    /// <summary>
    /// Where to <c>Seek</c> to skip what could not be read: the offset after the record, or after the
    /// corrupt batch; null when the consumer cannot tell (a partition-wide error).
    /// </summary>
    public long? NextOffset { get; }
}
