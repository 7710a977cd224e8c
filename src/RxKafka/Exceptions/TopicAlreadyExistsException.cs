using RxKafka.Protocol;

namespace RxKafka;

/// <summary>
/// A topic with the name already exists. Kafka error <see cref="ErrorCode.TopicAlreadyExists"/>.
/// </summary>
public sealed class TopicAlreadyExistsException : KafkaException
{
    /// <summary>Creates the exception with the error code's standard message.</summary>
    public TopicAlreadyExistsException()
        : this(KafkaErrors.FormatMessage(ErrorCode.TopicAlreadyExists, context: null))
    {
    }

    /// <summary>Creates the exception with a specific message.</summary>
    public TopicAlreadyExistsException(string message)
        : this(message, innerException: null)
    {
    }

    /// <summary>Creates the exception with a specific message and cause.</summary>
    public TopicAlreadyExistsException(string message, Exception? innerException)
        : base(ErrorCode.TopicAlreadyExists, message, innerException)
    {
    }
}
