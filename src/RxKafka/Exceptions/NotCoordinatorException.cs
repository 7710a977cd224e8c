using RxKafka.Protocol;

namespace RxKafka;

/// <summary>
/// The broker is not the coordinator for the group or transactional id; look the coordinator up again. Kafka error <see cref="ErrorCode.NotCoordinator"/>.
/// </summary>
public sealed class NotCoordinatorException : KafkaException
{
    /// <summary>Creates the exception with the error code's standard message.</summary>
    public NotCoordinatorException()
        : this(KafkaErrors.FormatMessage(ErrorCode.NotCoordinator, context: null))
    {
    }

    /// <summary>Creates the exception with a specific message.</summary>
    public NotCoordinatorException(string message)
        : this(message, innerException: null)
    {
    }

    /// <summary>Creates the exception with a specific message and cause.</summary>
    public NotCoordinatorException(string message, Exception? innerException)
        : base(ErrorCode.NotCoordinator, message, innerException)
    {
    }
}
