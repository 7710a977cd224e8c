using RxKafka.Protocol;

namespace RxKafka;

/// <summary>
/// The request does not satisfy a policy configured on the broker. Kafka error <see cref="ErrorCode.PolicyViolation"/>.
/// </summary>
public sealed class PolicyViolationException : KafkaException
{
    /// <summary>Creates the exception with the error code's standard message.</summary>
    public PolicyViolationException()
        : this(KafkaErrors.FormatMessage(ErrorCode.PolicyViolation, context: null))
    {
    }

    /// <summary>Creates the exception with a specific message.</summary>
    public PolicyViolationException(string message)
        : this(message, innerException: null)
    {
    }

    /// <summary>Creates the exception with a specific message and cause.</summary>
    public PolicyViolationException(string message, Exception? innerException)
        : base(ErrorCode.PolicyViolation, message, innerException)
    {
    }
}
