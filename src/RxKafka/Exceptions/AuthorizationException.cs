using RxKafka.Protocol;

namespace RxKafka;

/// <summary>
/// The base of the errors that mean the authenticated principal lacks an ACL for the resource
/// (topic, group, cluster, transactional id). Retrying does not help until the ACLs change.
/// </summary>
public abstract class AuthorizationException : KafkaException
{
    /// <summary>Creates the exception for an authorization error code.</summary>
    protected AuthorizationException(ErrorCode errorCode, string message, Exception? innerException)
        : base(errorCode, message, innerException)
    {
    }
}
