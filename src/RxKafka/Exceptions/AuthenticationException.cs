
namespace RxKafka;

/// <summary>
/// SASL authentication failed: the credentials were rejected, the exchange went out of sequence, or the
/// mechanism is not set up as the broker expects. <see cref="KafkaException.ErrorCode"/> is
/// <see cref="ErrorCode.SaslAuthenticationFailed"/>, <see cref="ErrorCode.IllegalSaslState"/> or
/// <see cref="ErrorCode.UnsupportedSaslMechanism"/>; the connection closes with reason AuthFailure (C3).
/// Not retriable: fix the credentials or the SASL configuration.
/// </summary>
public class AuthenticationException : KafkaException
{
    /// <summary>Creates the exception for a failed authentication (<see cref="ErrorCode.SaslAuthenticationFailed"/>).</summary>
    /// <param name="message">The mechanism, the broker and what failed.</param>
    /// <param name="innerException">The cause, if any (e.g. the token provider's or Kerberos's failure).</param>
    public AuthenticationException(string message, Exception? innerException = null)
        : this(ErrorCode.SaslAuthenticationFailed, message, innerException)
    {
    }

    /// <summary>Creates the exception for an authentication error code.</summary>
    /// <param name="errorCode">The Kafka error code, e.g. <see cref="ErrorCode.IllegalSaslState"/>.</param>
    /// <param name="message">The mechanism, the broker and what failed.</param>
    /// <param name="innerException">The cause, if any.</param>
    public AuthenticationException(ErrorCode errorCode, string message, Exception? innerException = null)
        : base(errorCode, message, innerException)
    {
    }
}

/// <summary>
/// The broker does not enable the SASL mechanism the client asked for; the message lists what it offers (C3).
/// Kafka error <see cref="ErrorCode.UnsupportedSaslMechanism"/>. Its own type because a caller can act on it:
/// pick one of the offered mechanisms, where bad credentials leave nothing to pick.
/// </summary>
public sealed class UnsupportedSaslMechanismException : AuthenticationException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">The mechanism asked for, the broker, and the mechanisms it offers.</param>
    /// <param name="innerException">The cause, if any.</param>
    public UnsupportedSaslMechanismException(string message, Exception? innerException = null)
        : base(ErrorCode.UnsupportedSaslMechanism, message, innerException)
    {
    }
}
