using RxKafka.Protocol;

namespace RxKafka;

/// <summary>
/// The broker could not make sense of the request (malformed, or sent to an incompatible broker). Kafka error <see cref="ErrorCode.InvalidRequest"/>.
/// </summary>
public sealed class InvalidRequestException : KafkaException
{
    /// <summary>Creates the exception with the error code's standard message.</summary>
    public InvalidRequestException()
        : this(KafkaErrors.FormatMessage(ErrorCode.InvalidRequest, context: null))
    {
    }

    /// <summary>Creates the exception with a specific message.</summary>
    public InvalidRequestException(string message)
        : this(message, innerException: null)
    {
    }

    /// <summary>Creates the exception with a specific message and cause.</summary>
    public InvalidRequestException(string message, Exception? innerException)
        : base(ErrorCode.InvalidRequest, message, innerException)
    {
    }
}
