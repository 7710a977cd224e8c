
namespace RxKafka;

/// <summary>
/// The authenticated principal lacks an ACL for the resource (topic, group, cluster, transactional id,
/// delegation token); <see cref="KafkaException.ErrorCode"/> says which. Retrying does not help until the ACLs change.
/// </summary>
public class AuthorizationException : KafkaException
{
    /// <summary>Creates the exception for an authorization error code.</summary>
    /// <param name="errorCode">The Kafka error code, e.g. <see cref="ErrorCode.GroupAuthorizationFailed"/>.</param>
    /// <param name="message">Which resource and operation.</param>
    /// <param name="innerException">The cause, if any.</param>
    public AuthorizationException(ErrorCode errorCode, string message, Exception? innerException = null)
        : base(errorCode, message, innerException)
    {
    }
}

/// <summary>
/// The principal may not describe, read or write the topic. Kafka error <see cref="ErrorCode.TopicAuthorizationFailed"/>.
/// Its own type because waiting for a topic stops at once with it (K8) rather than running to the timeout,
/// and a producer fails the topic's records with it.
/// </summary>
public sealed class TopicAuthorizationException : AuthorizationException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">Which topic and operation.</param>
    /// <param name="innerException">The cause, if any.</param>
    public TopicAuthorizationException(string message, Exception? innerException = null)
        : base(ErrorCode.TopicAuthorizationFailed, message, innerException)
    {
    }
}
