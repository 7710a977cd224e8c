using RxKafka.Protocol;

namespace RxKafka;

/// <summary>
/// A request arrived that is not valid at this point of the SASL exchange. Kafka error <see cref="ErrorCode.IllegalSaslState"/>.
/// </summary>
public sealed class IllegalSaslStateException : AuthenticationException
{
    /// <summary>Creates the exception with the error code's standard message.</summary>
    public IllegalSaslStateException()
        : this(KafkaErrors.FormatMessage(ErrorCode.IllegalSaslState, context: null))
    {
    }

    /// <summary>Creates the exception with a specific message.</summary>
    public IllegalSaslStateException(string message)
        : this(message, innerException: null)
    {
    }

    /// <summary>Creates the exception with a specific message and cause.</summary>
    public IllegalSaslStateException(string message, Exception? innerException)
        : base(ErrorCode.IllegalSaslState, message, innerException)
    {
    }
}
