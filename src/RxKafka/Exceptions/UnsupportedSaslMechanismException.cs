using RxKafka.Protocol;

namespace RxKafka;

/// <summary>
/// The broker does not enable the SASL mechanism the client asked for. Kafka error <see cref="ErrorCode.UnsupportedSaslMechanism"/>.
/// </summary>
public sealed class UnsupportedSaslMechanismException : AuthenticationException
{
    /// <summary>Creates the exception with the error code's standard message.</summary>
    public UnsupportedSaslMechanismException()
        : this(KafkaErrors.FormatMessage(ErrorCode.UnsupportedSaslMechanism, context: null))
    {
    }

    /// <summary>Creates the exception with a specific message.</summary>
    public UnsupportedSaslMechanismException(string message)
        : this(message, innerException: null)
    {
    }

    /// <summary>Creates the exception with a specific message and cause.</summary>
    public UnsupportedSaslMechanismException(string message, Exception? innerException)
        : base(ErrorCode.UnsupportedSaslMechanism, message, innerException)
    {
    }
}
