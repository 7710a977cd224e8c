using RxKafka.Protocol;

namespace RxKafka;

/// <summary>
/// SASL authentication failed: the credentials were rejected or the mechanism is not set up as
/// the broker expects. Kafka error <see cref="ErrorCode.SaslAuthenticationFailed"/>; also the base
/// of the other SASL failures. Not retriable: fix the credentials or the SASL configuration.
/// </summary>
public class AuthenticationException : KafkaException
{
    /// <summary>Creates the exception with the error code's standard message.</summary>
    public AuthenticationException()
        : this(KafkaErrors.FormatMessage(ErrorCode.SaslAuthenticationFailed, context: null))
    {
    }

    /// <summary>Creates the exception with a specific message.</summary>
    public AuthenticationException(string message)
        : this(message, innerException: null)
    {
    }

    /// <summary>Creates the exception with a specific message and cause.</summary>
    public AuthenticationException(string message, Exception? innerException)
        : base(ErrorCode.SaslAuthenticationFailed, message, innerException)
    {
    }

    /// <summary>Creates a more specific SASL failure with its own error code.</summary>
    protected AuthenticationException(ErrorCode errorCode, string message, Exception? innerException)
        : base(errorCode, message, innerException)
    {
    }
}
