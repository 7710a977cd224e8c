using RxKafka.Protocol;

namespace RxKafka;

/// <summary>
/// The broker does not host a topic with the given topic id; metadata is stale. Kafka error <see cref="ErrorCode.UnknownTopicId"/>.
/// </summary>
public sealed class UnknownTopicIdException : InvalidMetadataException
{
    /// <summary>Creates the exception with the error code's standard message.</summary>
    public UnknownTopicIdException()
        : this(KafkaErrors.FormatMessage(ErrorCode.UnknownTopicId, context: null))
    {
    }

    /// <summary>Creates the exception with a specific message.</summary>
    public UnknownTopicIdException(string message)
        : this(message, innerException: null)
    {
    }

    /// <summary>Creates the exception with a specific message and cause.</summary>
    public UnknownTopicIdException(string message, Exception? innerException)
        : base(ErrorCode.UnknownTopicId, message, innerException)
    {
    }
}
