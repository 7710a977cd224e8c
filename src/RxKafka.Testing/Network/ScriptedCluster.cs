using System.Reactive.Concurrency;
using RxKafka.Network;
using RxKafka.Protocol;
using RxKafka.Protocol.Messages;

namespace RxKafka.Testing.Network;

/// <summary>
/// A multi-broker Kafka cluster in memory, for tests in virtual time. Each broker is a
/// <see cref="ScriptedBroker"/>; as an <see cref="IKafkaTransportFactory"/> the cluster routes each
/// connection to the broker listening on the endpoint, and the brokers answer Metadata and
/// FindCoordinator from a cluster model the test changes as it goes (move a leader, add a topic, take a
/// broker down), then advances the scheduler to watch the client react.
/// </summary>
/// <remarks>
/// <para>
/// Brokers have node ids 1 to N and listen on <c>broker-{id}:9092</c>. Every reply is scheduled on the
/// scheduler given to the constructor, <see cref="ResponseDelay"/> plus the broker's round-trip time
/// (<see cref="SetBrokerRtt"/>) after the request arrives; with no delay, one tick later on a
/// <see cref="TestScheduler"/>. Nothing reads the wall clock or draws random numbers: the same script
/// gives the same bytes at the same virtual times.
/// </para>
/// <para>
/// Each request first goes to <see cref="Handler"/> (except ApiVersions, which the broker answers itself:
/// see <see cref="SetApiVersion"/> and <see cref="ScriptedBroker.ApiVersionsOverride"/>); when it returns
/// null, Metadata and FindCoordinator get the default answer from the model at the request's version, and
/// every other API gets no answer.
/// </para>
/// <para>
/// The cluster owns each broker's <see cref="ScriptedBroker.Handler"/>, <see cref="ScriptedBroker.ApiVersionsOverride"/>
/// and <see cref="ScriptedBroker.ResponseDelay"/>: setting them on a broker directly replaces the cluster's
/// behaviour for that broker.
/// </para>
/// </remarks>
public sealed partial class ScriptedCluster : IKafkaTransportFactory
{
    /// <summary>The cluster id reported until <see cref="ClusterId"/> is set.</summary>
    public const string DefaultClusterId = "rxkafka-scripted-cluster";

    private readonly IScheduler _scheduler;
    private readonly object _gate = new();
    private readonly SortedDictionary<int, BrokerState> _brokers = new();
    private readonly List<(int NodeId, ReceivedRequest Request)> _requests = new();
    private readonly Dictionary<ApiKey, (short Min, short Max)> _apiVersions = new();
    private TimeSpan _responseDelay;

    /// <summary>Creates a cluster of <paramref name="brokers"/> brokers, node ids 1 to <paramref name="brokers"/>, each listening on <c>broker-{id}:9092</c>.</summary>
    /// <param name="scheduler">Where every reply is scheduled (a <see cref="TestScheduler"/> in virtual-time tests).</param>
    /// <param name="brokers">How many brokers to start with; more can be added with <see cref="AddBroker"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="brokers"/> is negative.</exception>
    public ScriptedCluster(IScheduler scheduler, int brokers = 3)
    {
        ArgumentNullException.ThrowIfNull(scheduler);
        ArgumentOutOfRangeException.ThrowIfNegative(brokers);
        _scheduler = scheduler;
        for (var nodeId = 1; nodeId <= brokers; nodeId++)
        {
            AddBroker(nodeId);
        }
    }

    /// <summary>
    /// Decides the reply to a request (every API except ApiVersions) before the defaults do: given the
    /// node id of the broker that received it and the request, return a <see cref="BrokerReply"/>
    /// (an answer, an error response, <see cref="BrokerReply.Silence"/>, <see cref="BrokerReply.Disconnect"/>)
    /// or null for the default answer. Unset: the defaults answer.
    /// </summary>
    public Func<int, ReceivedRequest, BrokerReply?>? Handler { get; set; }

    /// <summary>The cluster id Metadata reports (v2+); <see cref="DefaultClusterId"/> unless set, null for none.</summary>
    public string? ClusterId { get; set; } = DefaultClusterId;

    /// <summary>The controller's node id Metadata reports (v1+); 1 unless set, -1 for none.</summary>
    public int ControllerId { get; set; } = 1;

    /// <summary>
    /// Whether a broker that is down is left out of Metadata's broker list (true, the default, as
    /// librdkafka 2.15.1's mock cluster does) or still listed (false, as a real cluster does until the
    /// broker's session expires). Partitions keep naming it as leader or replica either way.
    /// </summary>
    public bool DownBrokersLeaveMetadata { get; set; } = true;

    /// <summary>
    /// How long every broker takes to answer (on top of any delay a <see cref="Handler"/> reply asks for);
    /// zero by default, which on a <see cref="TestScheduler"/> means one tick. A broker's round-trip time
    /// (<see cref="SetBrokerRtt"/>) adds to it.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public TimeSpan ResponseDelay
    {
        get
        {
            lock (_gate)
            {
                return _responseDelay;
            }
        }

        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero);
            lock (_gate)
            {
                _responseDelay = value;
                foreach (var broker in _brokers.Values)
                {
                    broker.Broker.ResponseDelay = value + broker.Rtt;
                }
            }
        }
    }

    /// <summary>The node ids of the cluster's brokers, up or down, in ascending order.</summary>
    public IReadOnlyList<int> NodeIds
    {
        get
        {
            lock (_gate)
            {
                return _brokers.Keys.ToArray();
            }
        }
    }

    /// <summary>Kafka's <c>bootstrap.servers</c> for this cluster: every broker's endpoint, up or down, in node-id order ("broker-1:9092,broker-2:9092,...").</summary>
    public string BootstrapServers
    {
        get
        {
            lock (_gate)
            {
                return string.Join(",", _brokers.Values.Select(b => b.Endpoint.ToString()));
            }
        }
    }

    /// <summary>Every request any broker received (ApiVersions included), in order of arrival, with the node id of the broker that received it.</summary>
    public IReadOnlyList<(int NodeId, ReceivedRequest Request)> Requests
    {
        get
        {
            lock (_gate)
            {
                return _requests.ToArray();
            }
        }
    }

    /// <summary>The Metadata requests among <see cref="Requests"/>, in order of arrival.</summary>
    public IReadOnlyList<(int NodeId, ReceivedRequest Request)> MetadataRequests
    {
        get
        {
            lock (_gate)
            {
                return _requests.Where(r => r.Request.ApiKey == ApiKey.Metadata).ToArray();
            }
        }
    }

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

    /// <summary>
    /// Narrows the versions every broker advertises for <paramref name="apiKey"/> in ApiVersions (the default
    /// is every version RxKafka knows); -1 for both removes the API from the answer. The brokers still
    /// answer any version they receive.
    /// </summary>
    /// <param name="apiKey">The API.</param>
    /// <param name="minVersion">The lowest version advertised.</param>
    /// <param name="maxVersion">The highest version advertised.</param>
    /// <exception cref="ArgumentOutOfRangeException">The range is empty, or only one bound is -1.</exception>
    public void SetApiVersion(ApiKey apiKey, short minVersion, short maxVersion)
    {
        if ((minVersion == -1) != (maxVersion == -1) || minVersion < -1 || maxVersion < minVersion)
        {
            throw new ArgumentOutOfRangeException(nameof(maxVersion), $"{apiKey} versions {minVersion}..{maxVersion} are not a range (use -1 for both to remove the API).");
        }

        lock (_gate)
        {
            _apiVersions[apiKey] = (minVersion, maxVersion);
        }
    }

    /// <inheritdoc/>
    /// <exception cref="KafkaConnectionException">No broker listens on <paramref name="endpoint"/>, or that broker is down: "connection refused", naming host:port.</exception>
    public ValueTask<IKafkaTransport> ConnectAsync(BrokerEndpoint endpoint, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<IKafkaTransport>(cancellationToken);
        }

        ScriptedBroker broker;
        lock (_gate)
        {
            var state = _brokers.Values.FirstOrDefault(b => SameEndpoint(b.Endpoint, endpoint));
            if (state is null || !state.IsUp)
            {
                var why = state is null
                    ? $"no broker of the scripted cluster listens there; its brokers are {BootstrapServers}"
                    : $"broker {state.NodeId} of the scripted cluster is down";
                return ValueTask.FromException<IKafkaTransport>(new KafkaConnectionException(endpoint.Host, endpoint.Port, $"connection refused ({why})"));
            }

            broker = state.Broker;
        }

        return broker.ConnectAsync(endpoint, cancellationToken);
    }

    /// <inheritdoc/>
    public override string ToString()
    {
        lock (_gate)
        {
            return $"scripted cluster {ClusterId} of {_brokers.Count} brokers ({_brokers.Values.Count(b => b.IsUp)} up), {_topics.Count} topics: {BootstrapServers}";
        }
    }

    private BrokerReply Reply(int nodeId, ReceivedRequest request)
    {
        // The handler runs outside the lock: it may change the cluster.
        if (Handler?.Invoke(nodeId, request) is { } reply)
        {
            return reply;
        }

        return request.Request switch
        {
            MetadataRequest metadata => BrokerReply.Respond(AnswerMetadata(metadata, request.Version)),
            FindCoordinatorRequest find => BrokerReply.Respond(AnswerFindCoordinator(find, request.Version)),
            _ => BrokerReply.Silence,
        };
    }

    private ApiVersionsResponse AnswerApiVersions()
    {
        var response = ScriptedBroker.FullApiVersions();
        lock (_gate)
        {
            if (_apiVersions.Count == 0)
            {
                return response;
            }

            response.ApiKeys.RemoveAll(k => _apiVersions.TryGetValue((ApiKey)k.ApiKey, out var range) && range.Min < 0);
            foreach (var key in response.ApiKeys)
            {
                if (_apiVersions.TryGetValue((ApiKey)key.ApiKey, out var range))
                {
                    (key.MinVersion, key.MaxVersion) = range;
                }
            }
        }

        return response;
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
