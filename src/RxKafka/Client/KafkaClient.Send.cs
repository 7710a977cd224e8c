using RxKafka.Cluster;
using RxKafka.Network;
using RxKafka.Protocol.Messages;

namespace RxKafka.Client;

// K9: sending to a node, a leader, the controller, a coordinator, or any broker.
public sealed partial class KafkaClient
{
    /// <summary>
    /// K2/K9: a ready connection to broker <paramref name="nodeId"/>, the one metadata and admin requests
    /// use: the pooled one, or a new one (concurrent callers share one attempt). The advanced face: its
    /// <see cref="KafkaConnection.Frames"/> and raw requests; the client owns it, so do not dispose it.
    /// </summary>
    /// <exception cref="NodeNotReadyException">The broker is not in the metadata, could not be connected to, or is in its reconnect backoff; the message says which.</exception>
    public Task<KafkaConnection> GetConnectionAsync(int nodeId, CancellationToken cancellationToken = default) =>
        GetConnectionAsync(nodeId, ConnectionGroup.Default, cancellationToken);

    // K2: the connection of one workload (the producer's sinks take the Produce one). Internal: which
    // connection a request travels on follows from its API key, not from the caller.
    internal async Task<KafkaConnection> GetConnectionAsync(int nodeId, ConnectionGroup group, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        var snapshot = _view.Current;
        var node = Locate(snapshot, nodeId)
            ?? throw new NodeNotReadyException(nodeId, $"Broker {nodeId} is not in the cluster metadata (brokers: {string.Join(", ", snapshot.GetBrokers().Select(b => b.NodeId))})");
        try
        {
            return await _pool.GetAsync(node, group, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not (NodeNotReadyException or OperationCanceledException or ObjectDisposedException))
        {
            throw new NodeNotReadyException(nodeId, $"Could not connect to broker {node}: {e.Message}", e);
        }
    }

    /// <summary>
    /// K9: sends <paramref name="request"/> to broker <paramref name="nodeId"/> on the connection of
    /// the request's workload (produce, fetch, coordination or the rest). A request that gets no answer
    /// within the request timeout fails with <see cref="RequestTimedOutException"/> and its connection
    /// closes (C6), which forces a metadata update (K5).
    /// </summary>
    /// <exception cref="NodeNotReadyException">The broker's connection could not be made ready.</exception>
    public Task<TResponse> SendAsync<TResponse>(int nodeId, KafkaRequest<TResponse> request, CancellationToken cancellationToken = default)
        where TResponse : KafkaResponse
    {
        ArgumentNullException.ThrowIfNull(request);
        return SendAsync(nodeId, request, ConnectionGroups.For(request.ApiKey, Options.SeparateConnectionsByWorkload), cancellationToken);
    }

    // K9: sends request to broker nodeId on the connection of group.
    internal async Task<TResponse> SendAsync<TResponse>(int nodeId, KafkaRequest<TResponse> request, ConnectionGroup group, CancellationToken cancellationToken = default)
        where TResponse : KafkaResponse
    {
        ArgumentNullException.ThrowIfNull(request);
        var connection = await GetConnectionAsync(nodeId, group, cancellationToken).ConfigureAwait(false);
        return await connection.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Sends the request <paramref name="build"/> makes for the version the broker's connection negotiated, for
    /// requests whose fields differ by version (OffsetFetch names one group before v8 and a list from v8).
    /// </summary>
    internal async Task<TResponse> SendVersionedAsync<TResponse>(int nodeId, ApiKey apiKey, Func<short, KafkaRequest<TResponse>> build, CancellationToken cancellationToken = default)
        where TResponse : KafkaResponse
    {
        var connection = await GetConnectionAsync(nodeId, ConnectionGroups.For(apiKey, Options.SeparateConnectionsByWorkload), cancellationToken).ConfigureAwait(false);
        var version = connection.ApiVersions!.Pick(apiKey, connection.Broker);
        return await connection.SendAtVersionAsync(build(version), version, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Sends <paramref name="request"/> to the leader of <paramref name="partition"/>, as the current
    /// snapshot knows it.
    /// </summary>
    /// <exception cref="UnknownTopicOrPartitionException">The snapshot does not know the partition (an update is forced).</exception>
    /// <exception cref="InvalidMetadataException">The partition has no leader right now (an update is forced).</exception>
    public Task<TResponse> SendToLeaderAsync<TResponse>(TopicPartition partition, KafkaRequest<TResponse> request, CancellationToken cancellationToken = default)
        where TResponse : KafkaResponse
    {
        ArgumentNullException.ThrowIfNull(request);
        ThrowIfDisposed();
        switch (_view.Current.GetLeader(partition.Topic, partition.Partition))
        {
            case null:
                _synchronizer.Trigger(MetadataUpdateReason.Forced);
                return Task.FromException<TResponse>(new UnknownTopicOrPartitionException($"Partition {partition} is not in the cluster metadata"));
            case < 0:
                _synchronizer.Trigger(MetadataUpdateReason.Forced);
                return Task.FromException<TResponse>(new InvalidMetadataException(ErrorCode.LeaderNotAvailable, $"Partition {partition} has no leader right now"));
            case var leader:
                return SendAsync(leader.Value, request, cancellationToken);
        }
    }

    /// <summary>
    /// Sends <paramref name="request"/> to the controller (admin requests); when the metadata names
    /// no controller, to any broker (KRaft brokers forward controller requests).
    /// </summary>
    public Task<TResponse> SendToControllerAsync<TResponse>(KafkaRequest<TResponse> request, CancellationToken cancellationToken = default)
        where TResponse : KafkaResponse
    {
        ArgumentNullException.ThrowIfNull(request);
        ThrowIfDisposed();
        return _view.Current.GetController() is { } controller
            ? SendAsync(controller.NodeId, request, cancellationToken)
            : SendToAnyBrokerAsync(request, cancellationToken);
    }

    /// <summary>
    /// Sends <paramref name="request"/> to any broker: one with a ready connection if there is one,
    /// else the others in random order until a connection can be made.
    /// </summary>
    /// <exception cref="KafkaConnectionException">No broker could be connected to; the message lists each one's error.</exception>
    public async Task<TResponse> SendToAnyBrokerAsync<TResponse>(KafkaRequest<TResponse> request, CancellationToken cancellationToken = default)
        where TResponse : KafkaResponse
    {
        ArgumentNullException.ThrowIfNull(request);
        var group = ConnectionGroups.For(request.ApiKey, Options.SeparateConnectionsByWorkload);
        var connection = await AnyConnectionAsync(group, cancellationToken).ConfigureAwait(false);
        return await connection.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Sends <paramref name="request"/> to the coordinator of a group or transactional id, looking it
    /// up first (<see cref="FindCoordinatorAsync"/>) when the snapshot has none recorded. A response
    /// carrying NOT_COORDINATOR means the coordinator moved: call <see cref="ForgetCoordinator"/> and retry.
    /// </summary>
    public async Task<TResponse> SendToCoordinatorAsync<TResponse>(CoordinatorType type, string key, KafkaRequest<TResponse> request, CancellationToken cancellationToken = default)
        where TResponse : KafkaResponse
    {
        ArgumentNullException.ThrowIfNull(request);
        var coordinator = _view.Current.GetCoordinator(type, key) ?? await FindCoordinatorAsync(type, key, cancellationToken).ConfigureAwait(false);
        return await SendAsync(coordinator.NodeId, request, ConnectionGroup.Coordination, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The ready pooled connection to broker <paramref name="nodeId"/> in <paramref name="group"/> at the address the metadata gives it, else null.</summary>
    internal KafkaConnection? TryGetReadyConnection(int nodeId, ConnectionGroup group) =>
        _pool.TryGetReady(nodeId, group) is { } ready && Locate(_view.Current, nodeId)?.Endpoint == ready.Endpoint ? ready : null;

    // Where broker nodeId is, the one answer for connecting and for finding a ready connection (the sinks connect
    // with the first and send with the second: were they to disagree, a sink would connect again and again). A
    // coordinator known only by the address FindCoordinator gave (before the first metadata answer, or while the
    // metadata left its broker out when it was down) is connected by that address rather than failed.
    private static BrokerNode? Locate(ClusterSnapshot snapshot, int nodeId) =>
        snapshot.GetBroker(nodeId) ?? snapshot.Coordinators.Values.FirstOrDefault(c => c.NodeId == nodeId);

    /// <summary>The synchronizer's and the pool's state: for diagnostics in tests.</summary>
    internal string Describe() => $"metadata: {_synchronizer.Describe()}, generation {_view.Current.Generation}; connections: {_pool.Describe()}";

    internal async Task<KafkaConnection> AnyConnectionAsync(ConnectionGroup group, CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        var brokers = OrderForUpdate(_view.Current.GetBrokers());
        foreach (var node in brokers)
        {
            if (_pool.TryGetReady(node.NodeId, group) is { } ready)
            {
                return ready;
            }
        }

        var failures = new List<KeyValuePair<string, Exception>>();
        foreach (var node in brokers)
        {
            try
            {
                return await _pool.GetAsync(node, group, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not (OperationCanceledException or ObjectDisposedException))
            {
                failures.Add(new(node.Endpoint.ToString(), e));
            }
        }

        throw new KafkaConnectionException($"unable to connect to any of {string.Join(", ", brokers.Select(b => b.Endpoint))}", failures);
    }
}
