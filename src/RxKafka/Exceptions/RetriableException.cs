
namespace RxKafka;

/// <summary>
/// A transient failure: the same operation may succeed if it is tried again after a backoff (a
/// coordinator still loading, too few in-sync replicas, a throttled request). The client's own retries
/// have already run when a user sees one. <see cref="KafkaException.ErrorCode"/> says which.
/// </summary>
public class RetriableException : KafkaException
{
    /// <summary>Creates the exception for a retriable error code.</summary>
    /// <param name="errorCode">The Kafka error code (<see cref="ErrorCode.None"/> for a client-side condition).</param>
    /// <param name="message">What happened, to which broker, topic or partition.</param>
    /// <param name="innerException">The cause, if any.</param>
    public RetriableException(ErrorCode errorCode, string message, Exception? innerException = null)
        : base(errorCode, message, innerException)
    {
    }

    /// <summary>Always <see langword="true"/>: that is what the family means.</summary>
    public override bool IsRetriable => true;
}

/// <summary>
/// A request got no answer in time: the broker's own limit (<see cref="ErrorCode.RequestTimedOut"/>), or the
/// client's <c>request.timeout.ms</c>, after which the client also closes that connection (C6). Its own type
/// because callers tell a slow broker apart from other transient errors (to raise a timeout, or alert).
/// </summary>
public sealed class RequestTimedOutException : RetriableException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">The request, the broker and the limit that passed.</param>
    /// <param name="innerException">The cause, if any.</param>
    public RequestTimedOutException(string message, Exception? innerException = null)
        : base(ErrorCode.RequestTimedOut, message, innerException)
    {
    }
}

/// <summary>
/// A request was aimed at a broker whose connection is not ready yet (still connecting,
/// authenticating or negotiating API versions, or in its reconnect backoff). Not a broker error, so its
/// <see cref="KafkaException.ErrorCode"/> is <see cref="ErrorCode.None"/>; always retriable.
/// </summary>
public sealed class NodeNotReadyException : RetriableException
{
    /// <summary>Creates the exception for broker <paramref name="nodeId"/> with a standard message.</summary>
    /// <param name="nodeId">The broker's node id.</param>
    public NodeNotReadyException(int nodeId)
        : this(nodeId, $"Broker {nodeId} is not ready for requests yet (connecting or negotiating); retry once it is connected.")
    {
    }

    /// <summary>Creates the exception for broker <paramref name="nodeId"/> with a specific message and cause.</summary>
    /// <param name="nodeId">The broker's node id.</param>
    /// <param name="message">What the connection was doing when the request came.</param>
    /// <param name="innerException">The underlying cause, if any.</param>
    public NodeNotReadyException(int nodeId, string message, Exception? innerException = null)
        : base(ErrorCode.None, message, innerException)
    {
        NodeId = nodeId;
    }

    /// <summary>The node id of the broker that is not ready.</summary>
    public int NodeId { get; }
}
