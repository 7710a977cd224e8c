using RxKafka.Protocol;

namespace RxKafka;

/// <summary>
/// The topic name is not valid, or the operation is not allowed on the topic. Kafka error <see cref="ErrorCode.InvalidTopicException"/>.
/// </summary>
public sealed class InvalidTopicException : KafkaException
{
    /// <summary>Creates the exception with the error code's standard message.</summary>
    public InvalidTopicException()
        : this(KafkaErrors.FormatMessage(ErrorCode.InvalidTopicException, context: null))
    {
    }

    /// <summary>Creates the exception with a specific message.</summary>
    public InvalidTopicException(string message)
        : this(message, innerException: null)
    {
    }

    /// <summary>Creates the exception with a specific message and cause.</summary>
    public InvalidTopicException(string message, Exception? innerException)
        : base(ErrorCode.InvalidTopicException, message, innerException)
    {
    }
}
