using RxKafka.Protocol;

namespace RxKafka;

/// <summary>
/// A request was aimed at a broker whose connection is not ready yet (still connecting,
/// authenticating or negotiating API versions). Not a broker error, so its
/// <see cref="KafkaException.ErrorCode"/> is <see cref="ErrorCode.None"/>; always retriable.
/// </summary>
public sealed class NodeNotReadyException : KafkaException
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

    /// <summary>Always <see langword="true"/>: the broker becomes ready once its connection is set up.</summary>
    public override bool IsRetriable => true;
}
