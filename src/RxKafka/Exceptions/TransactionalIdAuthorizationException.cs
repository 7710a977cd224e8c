using RxKafka.Protocol;

namespace RxKafka;

/// <summary>
/// The principal is not authorized to use the transactional id (check the transactional-id ACLs). Kafka error <see cref="ErrorCode.TransactionalIdAuthorizationFailed"/>.
/// </summary>
public sealed class TransactionalIdAuthorizationException : AuthorizationException
{
    /// <summary>Creates the exception with the error code's standard message.</summary>
    public TransactionalIdAuthorizationException()
        : this(KafkaErrors.FormatMessage(ErrorCode.TransactionalIdAuthorizationFailed, context: null))
    {
    }

    /// <summary>Creates the exception with a specific message.</summary>
    public TransactionalIdAuthorizationException(string message)
        : this(message, innerException: null)
    {
    }

    /// <summary>Creates the exception with a specific message and cause.</summary>
    public TransactionalIdAuthorizationException(string message, Exception? innerException)
        : base(ErrorCode.TransactionalIdAuthorizationFailed, message, innerException)
    {
    }
}
