
namespace RxKafka.Testing.Network;

// The brokers: where they listen, whether they are up, how slow they are.
public sealed partial class ScriptedCluster
{
    /// <summary>Where broker <paramref name="nodeId"/> listens, which is also what Metadata advertises for it.</summary>
    /// <param name="nodeId">The broker's node id.</param>
    /// <exception cref="ArgumentException">The cluster has no such broker.</exception>
    public BrokerEndpoint Endpoint(int nodeId)
    {
        lock (_gate)
        {
            return Get(nodeId).Endpoint;
        }
    }

    /// <summary>Broker <paramref name="nodeId"/> itself: its connections, the requests it received, its raw SASL controls.</summary>
    /// <param name="nodeId">The broker's node id.</param>
    /// <exception cref="ArgumentException">The cluster has no such broker.</exception>
    public ScriptedBroker Broker(int nodeId)
    {
        lock (_gate)
        {
            return Get(nodeId).Broker;
        }
    }

    /// <summary>Whether broker <paramref name="nodeId"/> is up (accepts connections).</summary>
    /// <param name="nodeId">The broker's node id.</param>
    /// <exception cref="ArgumentException">The cluster has no such broker.</exception>
    public bool IsBrokerUp(int nodeId)
    {
        lock (_gate)
        {
            return Get(nodeId).IsUp;
        }
    }

    /// <summary>Adds a broker, up, listening on <paramref name="host"/>:<paramref name="port"/> (default <c>broker-{id}:9092</c>).</summary>
    /// <param name="nodeId">The new broker's node id (not negative).</param>
    /// <param name="host">The host it listens on and advertises; <c>broker-{nodeId}</c> when null.</param>
    /// <param name="port">The port it listens on and advertises.</param>
    /// <param name="rack">The rack Metadata reports for it (v1+), or null for none.</param>
    /// <returns>The new broker.</returns>
    /// <exception cref="ArgumentException">The node id is taken, or another broker listens on the endpoint.</exception>
    public ScriptedBroker AddBroker(int nodeId, string? host = null, int port = BrokerEndpoint.DefaultPort, string? rack = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(nodeId);
        var endpoint = CheckEndpoint(host ?? $"broker-{nodeId}", port);
        var broker = new ScriptedBroker(_scheduler);
        lock (_gate)
        {
            if (_brokers.ContainsKey(nodeId))
            {
                throw new ArgumentException($"The scripted cluster already has a broker {nodeId}.", nameof(nodeId));
            }

            CheckFree(endpoint, nodeId);
            broker.ResponseDelay = _responseDelay;
            broker.Handler = request => Reply(nodeId, request);
            broker.ApiVersionsOverride = _ => BrokerReply.Respond(AnswerApiVersions());
            broker.Received = request =>
            {
                lock (_gate)
                {
                    _requests.Add((nodeId, request));
                }
            };
            _brokers.Add(nodeId, new BrokerState(nodeId, broker) { Endpoint = endpoint, Rack = rack });
        }

        return broker;
    }

    /// <summary>
    /// Removes broker <paramref name="nodeId"/> from the cluster: it leaves Metadata, its open connections
    /// are closed from its side now, and its endpoint refuses connections. Partitions that name it as leader
    /// or replica keep doing so (a real cluster would too until reassigned): move them with
    /// <see cref="SetPartitionLeader"/> and <see cref="SetReplicas"/>.
    /// </summary>
    /// <param name="nodeId">The broker's node id.</param>
    /// <exception cref="ArgumentException">The cluster has no such broker.</exception>
    public void RemoveBroker(int nodeId)
    {
        ScriptedBroker broker;
        lock (_gate)
        {
            broker = Get(nodeId).Broker;
            _brokers.Remove(nodeId);
        }

        // Outside the lock: closing runs the client's reaction inline, which may call back in.
        broker.DisconnectAll();
    }

    /// <summary>
    /// Takes broker <paramref name="nodeId"/> down: its open connections are closed from its side now (the
    /// client sees them break), new connections are refused, and, with <see cref="DownBrokersLeaveMetadata"/>,
    /// Metadata stops listing it. Leaders and replicas stay where they are: nothing is re-elected.
    /// </summary>
    /// <param name="nodeId">The broker's node id.</param>
    /// <exception cref="ArgumentException">The cluster has no such broker.</exception>
    public void SetBrokerDown(int nodeId)
    {
        ScriptedBroker broker;
        lock (_gate)
        {
            var state = Get(nodeId);
            state.IsUp = false;
            broker = state.Broker;
        }

        broker.DisconnectAll();
    }

    /// <summary>Brings broker <paramref name="nodeId"/> back up: it accepts connections again and Metadata lists it.</summary>
    /// <param name="nodeId">The broker's node id.</param>
    /// <exception cref="ArgumentException">The cluster has no such broker.</exception>
    public void SetBrokerUp(int nodeId)
    {
        lock (_gate)
        {
            Get(nodeId).IsUp = true;
        }
    }

    /// <summary>
    /// Moves broker <paramref name="nodeId"/> to <paramref name="host"/>:<paramref name="port"/>: Metadata
    /// advertises it there and new connections to it go there (the old endpoint refuses them). Connections
    /// already open stay open.
    /// </summary>
    /// <param name="nodeId">The broker's node id.</param>
    /// <param name="host">The new host.</param>
    /// <param name="port">The new port, 1 to 65535.</param>
    /// <exception cref="ArgumentException">The cluster has no such broker, or another broker listens there.</exception>
    public void SetBrokerEndpoint(int nodeId, string host, int port)
    {
        var endpoint = CheckEndpoint(host, port);
        lock (_gate)
        {
            var state = Get(nodeId);
            CheckFree(endpoint, nodeId);
            state.Endpoint = endpoint;
        }
    }

    /// <summary>Sets the rack Metadata reports for broker <paramref name="nodeId"/> (v1+); null for none.</summary>
    /// <param name="nodeId">The broker's node id.</param>
    /// <param name="rack">The rack id, or null.</param>
    /// <exception cref="ArgumentException">The cluster has no such broker.</exception>
    public void SetBrokerRack(int nodeId, string? rack)
    {
        lock (_gate)
        {
            Get(nodeId).Rack = rack;
        }
    }

    /// <summary>
    /// Delays every reply of broker <paramref name="nodeId"/> by <paramref name="rtt"/> on top of
    /// <see cref="ResponseDelay"/> (ApiVersions and <see cref="Handler"/> replies included); zero removes the delay.
    /// </summary>
    /// <param name="nodeId">The broker's node id.</param>
    /// <param name="rtt">The round-trip time, not negative.</param>
    /// <exception cref="ArgumentException">The cluster has no such broker.</exception>
    public void SetBrokerRtt(int nodeId, TimeSpan rtt)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rtt, TimeSpan.Zero);
        lock (_gate)
        {
            var state = Get(nodeId);
            state.Rtt = rtt;
            state.Broker.ResponseDelay = _responseDelay + rtt;
        }
    }

    private BrokerState Get(int nodeId) => _brokers.TryGetValue(nodeId, out var state)
        ? state
        : throw new ArgumentException($"The scripted cluster has no broker {nodeId}; its node ids are [{string.Join(", ", _brokers.Keys)}].", nameof(nodeId));

    private List<int> LiveNodeIds() => _brokers.Values.Where(b => b.IsUp).Select(b => b.NodeId).ToList();

    private static BrokerEndpoint CheckEndpoint(string host, int port)
    {
        ArgumentException.ThrowIfNullOrEmpty(host);
        ArgumentOutOfRangeException.ThrowIfLessThan(port, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);
        return new BrokerEndpoint(host, port);
    }

    private void CheckFree(BrokerEndpoint endpoint, int nodeId)
    {
        if (_brokers.Values.FirstOrDefault(b => b.NodeId != nodeId && SameEndpoint(b.Endpoint, endpoint)) is { } other)
        {
            throw new ArgumentException($"Broker {other.NodeId} of the scripted cluster already listens on {endpoint}.", "host");
        }
    }

    // Host names compare as DNS does: without regard to case.
    private static bool SameEndpoint(BrokerEndpoint a, BrokerEndpoint b) =>
        a.Port == b.Port && string.Equals(a.Host, b.Host, StringComparison.OrdinalIgnoreCase);

    private sealed class BrokerState(int nodeId, ScriptedBroker broker)
    {
        public int NodeId { get; } = nodeId;

        public ScriptedBroker Broker { get; } = broker;

        public required BrokerEndpoint Endpoint { get; set; }

        public string? Rack { get; set; }

        public bool IsUp { get; set; } = true;

        public TimeSpan Rtt { get; set; }
    }
}
