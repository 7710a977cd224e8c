using RxKafka.Protocol;

namespace RxKafka;

/// <summary>
/// The coordinator for the group or transactional id is not available yet. Kafka error <see cref="ErrorCode.CoordinatorNotAvailable"/>.
/// </summary>
public sealed class CoordinatorNotAvailableException : KafkaException
{
    /// <summary>Creates the exception with the error code's standard message.</summary>
    public CoordinatorNotAvailableException()
        : this(KafkaErrors.FormatMessage(ErrorCode.CoordinatorNotAvailable, context: null))
    {
    }

    /// <summary>Creates the exception with a specific message.</summary>
    public CoordinatorNotAvailableException(string message)
        : this(message, innerException: null)
    {
    }

    /// <summary>Creates the exception with a specific message and cause.</summary>
    public CoordinatorNotAvailableException(string message, Exception? innerException)
        : base(ErrorCode.CoordinatorNotAvailable, message, innerException)
    {
    }
}
