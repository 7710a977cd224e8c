using RxKafka.Protocol;

namespace RxKafka;

/// <summary>
/// The broker could not complete the request within its time limit. Kafka error <see cref="ErrorCode.RequestTimedOut"/>.
/// </summary>
public sealed class RequestTimedOutException : KafkaException
{
    /// <summary>Creates the exception with the error code's standard message.</summary>
    public RequestTimedOutException()
        : this(KafkaErrors.FormatMessage(ErrorCode.RequestTimedOut, context: null))
    {
    }

    /// <summary>Creates the exception with a specific message.</summary>
    public RequestTimedOutException(string message)
        : this(message, innerException: null)
    {
    }

    /// <summary>Creates the exception with a specific message and cause.</summary>
    public RequestTimedOutException(string message, Exception? innerException)
        : base(ErrorCode.RequestTimedOut, message, innerException)
    {
    }
}
