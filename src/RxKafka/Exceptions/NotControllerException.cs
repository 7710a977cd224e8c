using RxKafka.Protocol;

namespace RxKafka;

/// <summary>
/// The broker is not the active controller; find the controller again. Kafka error <see cref="ErrorCode.NotController"/>.
/// </summary>
public sealed class NotControllerException : KafkaException
{
    /// <summary>Creates the exception with the error code's standard message.</summary>
    public NotControllerException()
        : this(KafkaErrors.FormatMessage(ErrorCode.NotController, context: null))
    {
    }

    /// <summary>Creates the exception with a specific message.</summary>
    public NotControllerException(string message)
        : this(message, innerException: null)
    {
    }

    /// <summary>Creates the exception with a specific message and cause.</summary>
    public NotControllerException(string message, Exception? innerException)
        : base(ErrorCode.NotController, message, innerException)
    {
    }
}
