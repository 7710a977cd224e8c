using RxKafka.Protocol;

namespace RxKafka;

/// <summary>
/// The coordinator is still loading its state; retry after a short backoff. Kafka error <see cref="ErrorCode.CoordinatorLoadInProgress"/>.
/// </summary>
public sealed class CoordinatorLoadInProgressException : KafkaException
{
    /// <summary>Creates the exception with the error code's standard message.</summary>
    public CoordinatorLoadInProgressException()
        : this(KafkaErrors.FormatMessage(ErrorCode.CoordinatorLoadInProgress, context: null))
    {
    }

    /// <summary>Creates the exception with a specific message.</summary>
    public CoordinatorLoadInProgressException(string message)
        : this(message, innerException: null)
    {
    }

    /// <summary>Creates the exception with a specific message and cause.</summary>
    public CoordinatorLoadInProgressException(string message, Exception? innerException)
        : base(ErrorCode.CoordinatorLoadInProgress, message, innerException)
    {
    }
}
