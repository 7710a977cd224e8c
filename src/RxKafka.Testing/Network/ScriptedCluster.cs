using System.Reactive.Concurrency;
using RxKafka.Network;
using RxKafka.Protocol.Messages;

namespace RxKafka.Testing.Network;

/// <summary>
/// A multi-broker Kafka cluster in memory, for tests in virtual time. Each broker is a
/// <see cref="ScriptedBroker"/>; as an <see cref="IKafkaTransportFactory"/> the cluster routes each
/// connection to the broker listening on the endpoint, and the brokers answer Metadata, FindCoordinator,
/// Produce, InitProducerId, Fetch, ListOffsets, OffsetCommit, OffsetFetch, the classic group APIs (JoinGroup,
/// SyncGroup, Heartbeat, LeaveGroup, DescribeGroups, ListGroups, DeleteGroups), the KIP-848 group APIs
/// (ConsumerGroupHeartbeat, ConsumerGroupDescribe) and the transaction APIs from a cluster model the test changes as it goes (move a leader, add a topic,
/// take a broker down), then advances the scheduler to watch the client react and reads the partitions' logs
/// (<see cref="Log"/>, <see cref="Batches"/>) to see exactly what was written.
/// </summary>
/// <remarks>
/// <para>
/// Brokers have node ids 1 to N and listen on <c>broker-{id}:9092</c>. Every reply is scheduled on the
/// scheduler given to the constructor, <see cref="ResponseDelay"/> plus the broker's round-trip time
/// (<see cref="SetBrokerRtt"/>) after the request arrives; with no delay, one tick later on a
/// <c>TestScheduler</c> (Microsoft.Reactive.Testing). Nothing reads the wall clock or draws random numbers: the same script
/// gives the same bytes at the same virtual times.
/// </para>
/// <para>
/// Each request first goes to <see cref="Handler"/> (except ApiVersions, which the broker answers itself:
/// see <see cref="SetApiVersion"/> and <see cref="ScriptedBroker.ApiVersionsOverride"/>); when it returns
/// null, the next error queued with <see cref="PushRequestErrors(ApiKey, ErrorCode[])"/> answers it, else
/// Metadata, FindCoordinator, Produce, InitProducerId, Fetch, ListOffsets, OffsetCommit, OffsetFetch, the group APIs, AddPartitionsToTxn,
/// AddOffsetsToTxn, TxnOffsetCommit and EndTxn get the default answer from the
/// model at the request's version (<see cref="DefaultReply"/>), and every other API gets no answer.
/// </para>
/// <para>
/// A Produce (v0-12) is checked as a partition leader checks it: a topic error
/// (<see cref="SetTopicError"/>, e.g. TOPIC_AUTHORIZATION_FAILED), UNKNOWN_TOPIC_OR_PARTITION,
/// INVALID_RECORD for what v3+ forbids (not exactly one magic 2 batch; zstd before v7 is
/// UNSUPPORTED_COMPRESSION_TYPE), INVALID_REQUIRED_ACKS, NOT_LEADER_OR_FOLLOWER unless the receiving broker
/// leads the partition now (from v10 with the current leader and its endpoint, KIP-951),
/// MESSAGE_TOO_LARGE (<see cref="SetMaxMessageBytes"/>), CORRUPT_MESSAGE for a bad CRC or framing, then an
/// idempotent producer's epoch and sequence against the partition's state (KIP-98): INVALID_PRODUCER_EPOCH
/// for an older epoch, OUT_OF_ORDER_SEQUENCE_NUMBER for a gap or a new epoch not starting at 0,
/// UNKNOWN_PRODUCER_ID when the partition has no state for the producer (<see cref="ForgetProducer"/>) and
/// the batch does not start at 0 (unless <see cref="AcceptAnySequenceFromUnknownProducers"/>), and a retry of one of its last five batches answered with the original
/// offset (or DUPLICATE_SEQUENCE_NUMBER, <see cref="AnswerDuplicateSequenceNumber"/>). Records are appended
/// when the request arrives; with acks=0 nothing is answered, or the connection is closed on an error.
/// </para>
/// <para>
/// InitProducerId (v0-5) hands out producer ids from <see cref="FirstProducerId"/> at epoch 0 to idempotent
/// producers, and keeps a producer id and epoch per transactional id on its transaction coordinator
/// (<see cref="Coordinator"/>; NOT_COORDINATOR elsewhere): each InitProducerId bumps the epoch, one naming an
/// older producer id or epoch is PRODUCER_FENCED (INVALID_PRODUCER_EPOCH before v4).
/// </para>
/// <para>
/// Transactions (KIP-98) as Kafka's coordinator runs them (<see cref="Transaction"/>): AddPartitionsToTxn (v0-5,
/// v4+ batched and verify-only, KIP-890) and AddOffsetsToTxn (v0-4) open and grow a transaction, TxnOffsetCommit
/// (v0-5) holds a group's offsets until the commit, EndTxn (v0-5; v5+ bumps the epoch) writes a commit or abort
/// marker (a control batch) to every partition added, after <see cref="TransactionMarkerDelay"/>, then completes
/// it. A second InitProducerId or the transaction timeout fences and aborts an open transaction. The errors are
/// Kafka's (CONCURRENT_TRANSACTIONS, INVALID_TXN_STATE, INVALID_PRODUCER_ID_MAPPING, PRODUCER_FENCED or
/// INVALID_PRODUCER_EPOCH by version, NOT_COORDINATOR, TRANSACTIONAL_ID_AUTHORIZATION_FAILED through
/// <see cref="AuthorizeTransactionalId"/>). A leader takes a transactional batch only for a partition added to
/// its producer's open transaction, keeps the last stable offset (<see cref="LastStableOffset(string, int)"/>)
/// behind the oldest open transaction and an aborted-transaction index (<see cref="AbortedTransactions"/>).
/// KIP-890 part 2 (Kafka 4.0) runs while <see cref="TransactionVersion"/> is 2, the default, as ApiVersions tells
/// clients: a transactional Produce v12 has the leader add its partition to the transaction, TxnOffsetCommit v5
/// adds its group, and EndTxn v5 bumps the epoch at every end (the markers carry the new epoch, so a produce of
/// the old one is fenced). Clients that stay below those versions keep the explicit adds of KIP-98.
/// </para>
/// <para>
/// Fetch (v0-17) reads the logs as a leader does: whole batches from the one holding the fetch offset, with
/// Kafka's byte limits (KIP-74), the high watermark at the log end offset, read_committed stopping at the last
/// stable offset with the aborted transactions it reaches; OFFSET_OUT_OF_RANGE, NOT_LEADER_OR_FOLLOWER (v12+ with the current leader), FENCED and
/// UNKNOWN_LEADER_EPOCH, UNKNOWN_TOPIC_OR_PARTITION and (v13+) UNKNOWN_TOPIC_ID. A fetch with too little to
/// return waits on the scheduler until an append gives it <c>min_bytes</c> or <c>max_wait_ms</c> passes. Fetch
/// sessions (KIP-227) are kept per broker in a bounded cache (<see cref="FetchSessionCacheSlots"/>).
/// ListOffsets (v0-10) answers the earliest, latest and max-timestamp offsets and the first offset at or after
/// a time (read_committed: latest is the last stable offset). OffsetCommit and OffsetFetch (v0-9) keep each group's committed offsets at its group coordinator
/// (<see cref="CommittedOffset"/>). <see cref="ServeTcp"/> serves the cluster on loopback TCP for other clients.
/// </para>
/// <para>
/// Classic consumer groups are kept by each group's coordinator as Kafka's group coordinator keeps them
/// (NOT_COORDINATOR elsewhere): JoinGroup (v0-9), SyncGroup (v0-5), Heartbeat (v0-4) and LeaveGroup (v0-5) run
/// the Empty → PreparingRebalance → CompletingRebalance → Stable state machine on the scheduler, with
/// MEMBER_ID_REQUIRED (v4+, KIP-394) and deterministic member ids (<c>{client.id}-{n}</c>), the protocol the
/// members' votes choose, held JoinGroup and SyncGroup answers, the rebalance timeout, session expiry,
/// <see cref="GroupInitialRebalanceDelay"/>, and static membership (KIP-345): a static member that restarts within
/// its session timeout takes its place back without a rebalance, its old member id fenced. OffsetCommit is
/// checked against the generation and member. DescribeGroups (v0-5) and ListGroups (v0-5, state and type filters)
/// describe them, and DeleteGroups (v0-2) deletes an empty one with its offsets (NON_EMPTY_GROUP otherwise); <see cref="DescribeGroup"/>, <see cref="ExpireMember"/>, <see cref="RebalanceGroup"/> and
/// <see cref="MoveGroupCoordinator"/> let a test read and steer them.
/// </para>
/// <para>
/// KIP-848 groups (group.protocol=consumer) are kept as Kafka 4.x's group coordinator keeps them:
/// ConsumerGroupHeartbeat (v0-1; v1 members name themselves, KIP-1082) joins, heartbeats and leaves (-1; -2 for a
/// static member that will be back), with group epochs, a target assignment from the server-side "uniform" or
/// "range" assignor, revoke-before-assign reconciliation, regex subscriptions, and the session
/// (<see cref="ConsumerGroupSessionTimeout"/>) and rebalance timeouts; OffsetCommit and OffsetFetch v9 are checked
/// against member epochs, and ConsumerGroupDescribe (v0) and <see cref="DescribeConsumerGroup"/> describe them.
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
    /// <param name="scheduler">Where every reply is scheduled (a <c>TestScheduler</c> (Microsoft.Reactive.Testing) in virtual-time tests).</param>
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
    /// zero by default, which on a <c>TestScheduler</c> (Microsoft.Reactive.Testing) means one tick. A broker's round-trip time
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

    // The handler runs outside the lock: it may change the cluster.
    private BrokerReply Reply(int nodeId, ReceivedRequest request) => Handler?.Invoke(nodeId, request) ?? DefaultReply(nodeId, request);

    private ApiVersionsResponse AnswerApiVersions()
    {
        var response = ScriptedBroker.FullApiVersions();
        AddFeatures(response);
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
}
