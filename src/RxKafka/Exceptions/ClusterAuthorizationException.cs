using RxKafka.Protocol;

namespace RxKafka;

/// <summary>
/// The principal is not authorized for the cluster operation (check the cluster ACLs). Kafka error <see cref="ErrorCode.ClusterAuthorizationFailed"/>.
/// </summary>
public sealed class ClusterAuthorizationException : AuthorizationException
{
    /// <summary>Creates the exception with the error code's standard message.</summary>
    public ClusterAuthorizationException()
        : this(KafkaErrors.FormatMessage(ErrorCode.ClusterAuthorizationFailed, context: null))
    {
    }

    /// <summary>Creates the exception with a specific message.</summary>
    public ClusterAuthorizationException(string message)
        : this(message, innerException: null)
    {
    }

    /// <summary>Creates the exception with a specific message and cause.</summary>
    public ClusterAuthorizationException(string message, Exception? innerException)
        : base(ErrorCode.ClusterAuthorizationFailed, message, innerException)
    {
    }
}
