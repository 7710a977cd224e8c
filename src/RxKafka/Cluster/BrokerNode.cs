
namespace RxKafka.Cluster;

/// <summary>A broker as the cluster metadata describes it.</summary>
/// <param name="NodeId">The broker's node id (bootstrap brokers, whose ids are not known yet, have negative ids: -1, -2, ...).</param>
/// <param name="Host">The host it advertises.</param>
/// <param name="Port">The port it advertises.</param>
/// <param name="Rack">Its rack, when the broker has one (Metadata v1+).</param>
public sealed record BrokerNode(int NodeId, string Host, int Port, string? Rack = null)
{
    /// <summary>Where to connect to this broker.</summary>
    public BrokerEndpoint Endpoint => new(Host, Port);

    /// <summary>Whether this is a bootstrap address rather than a broker the metadata named.</summary>
    public bool IsBootstrap => NodeId < 0;

    /// <inheritdoc/>
    public override string ToString() => Rack is null ? $"{NodeId} ({Endpoint})" : $"{NodeId} ({Endpoint}, rack {Rack})";
}
