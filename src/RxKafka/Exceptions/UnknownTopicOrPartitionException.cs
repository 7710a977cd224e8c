using RxKafka.Protocol;

namespace RxKafka;

/// <summary>
/// The broker does not host the topic-partition: the topic may not exist (yet) or the client's metadata is stale. Kafka error <see cref="ErrorCode.UnknownTopicOrPartition"/>.
/// </summary>
public sealed class UnknownTopicOrPartitionException : InvalidMetadataException
{
    /// <summary>Creates the exception with the error code's standard message.</summary>
    public UnknownTopicOrPartitionException()
        : this(KafkaErrors.FormatMessage(ErrorCode.UnknownTopicOrPartition, context: null))
    {
    }

    /// <summary>Creates the exception with a specific message.</summary>
    public UnknownTopicOrPartitionException(string message)
        : this(message, innerException: null)
    {
    }

    /// <summary>Creates the exception with a specific message and cause.</summary>
    public UnknownTopicOrPartitionException(string message, Exception? innerException)
        : base(ErrorCode.UnknownTopicOrPartition, message, innerException)
    {
    }
}
