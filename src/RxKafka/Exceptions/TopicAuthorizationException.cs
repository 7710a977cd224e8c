using RxKafka.Protocol;

namespace RxKafka;

/// <summary>
/// The principal is not authorized for the topic (check the topic ACLs). Kafka error <see cref="ErrorCode.TopicAuthorizationFailed"/>.
/// </summary>
public sealed class TopicAuthorizationException : AuthorizationException
{
    /// <summary>Creates the exception with the error code's standard message.</summary>
    public TopicAuthorizationException()
        : this(KafkaErrors.FormatMessage(ErrorCode.TopicAuthorizationFailed, context: null))
    {
    }

    /// <summary>Creates the exception with a specific message.</summary>
    public TopicAuthorizationException(string message)
        : this(message, innerException: null)
    {
    }

    /// <summary>Creates the exception with a specific message and cause.</summary>
    public TopicAuthorizationException(string message, Exception? innerException)
        : base(ErrorCode.TopicAuthorizationFailed, message, innerException)
    {
    }
}
