using RxKafka.Protocol;

namespace RxKafka;

/// <summary>
/// The principal is not authorized for the consumer group (check the group ACLs). Kafka error <see cref="ErrorCode.GroupAuthorizationFailed"/>.
/// </summary>
public sealed class GroupAuthorizationException : AuthorizationException
{
    /// <summary>Creates the exception with the error code's standard message.</summary>
    public GroupAuthorizationException()
        : this(KafkaErrors.FormatMessage(ErrorCode.GroupAuthorizationFailed, context: null))
    {
    }

    /// <summary>Creates the exception with a specific message.</summary>
    public GroupAuthorizationException(string message)
        : this(message, innerException: null)
    {
    }

    /// <summary>Creates the exception with a specific message and cause.</summary>
    public GroupAuthorizationException(string message, Exception? innerException)
        : base(ErrorCode.GroupAuthorizationFailed, message, innerException)
    {
    }
}
