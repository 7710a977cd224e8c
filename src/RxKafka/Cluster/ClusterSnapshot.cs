using System.Collections.Frozen;
using System.Collections.ObjectModel;

namespace RxKafka.Cluster;

/// <summary>
/// The cluster as one Metadata answer (and the coordinator lookups since) described it: brokers,
/// controller, topics and their partitions, topics the client may not see, coordinators by purpose
/// (M1). Immutable: every update makes a new snapshot (<see cref="Apply"/>), and the queries of M5
/// answer from this one alone.
/// </summary>
public sealed partial class ClusterSnapshot
{
    private static readonly IReadOnlyDictionary<int, BrokerNode> NoBrokers = new ReadOnlyDictionary<int, BrokerNode>(new Dictionary<int, BrokerNode>());
    private static readonly IReadOnlyDictionary<string, TopicMetadata> NoTopics = new ReadOnlyDictionary<string, TopicMetadata>(new Dictionary<string, TopicMetadata>());
    private static readonly IReadOnlyDictionary<string, ErrorCode> NoErrors = new ReadOnlyDictionary<string, ErrorCode>(new Dictionary<string, ErrorCode>());
    private static readonly IReadOnlySet<string> NoNames = FrozenSet<string>.Empty;
    private static readonly IReadOnlyDictionary<CoordinatorKey, BrokerNode> NoCoordinators = new ReadOnlyDictionary<CoordinatorKey, BrokerNode>(new Dictionary<CoordinatorKey, BrokerNode>());

    private IReadOnlyList<BrokerNode>? _sortedBrokers;
    private Dictionary<int, TopicPartition[]>? _ledBy;
    private Dictionary<Guid, string>? _namesById;

    private ClusterSnapshot(
        long generation,
        DateTimeOffset updatedAt,
        string? clusterId,
        int controllerId,
        IReadOnlyDictionary<int, BrokerNode> brokers,
        IReadOnlyList<BrokerNode> bootstrapBrokers,
        IReadOnlyDictionary<string, TopicMetadata> topics,
        IReadOnlyDictionary<string, ErrorCode> topicErrors,
        IReadOnlySet<string> unauthorizedTopics,
        IReadOnlySet<string> internalTopics,
        IReadOnlyDictionary<CoordinatorKey, BrokerNode> coordinators)
    {
        Generation = generation;
        UpdatedAt = updatedAt;
        ClusterId = clusterId;
        ControllerId = controllerId;
        Brokers = brokers;
        BootstrapBrokers = bootstrapBrokers;
        Topics = topics;
        TopicErrors = topicErrors;
        UnauthorizedTopics = unauthorizedTopics;
        InternalTopics = internalTopics;
        Coordinators = coordinators;
    }

    // The caches depend only on the collections they are built from, which the next snapshot often shares.
    private void CarryCachesFrom(ClusterSnapshot previous)
    {
        if (ReferenceEquals(Brokers, previous.Brokers))
        {
            _sortedBrokers = previous._sortedBrokers;
        }

        if (ReferenceEquals(Topics, previous.Topics))
        {
            _ledBy = previous._ledBy;
            _namesById = previous._namesById;
        }
    }

    /// <summary>A snapshot that knows nothing: no brokers, no bootstrap addresses, no topics.</summary>
    public static ClusterSnapshot Empty { get; } = new(0, DateTimeOffset.MinValue, null, -1, NoBrokers, [], NoTopics, NoErrors, NoNames, NoNames, NoCoordinators);

    /// <summary>
    /// The snapshot a client starts from: only the bootstrap addresses, as brokers with ids -1, -2, ...
    /// in the order given. <see cref="GetBrokers"/> answers with them until metadata names real brokers.
    /// </summary>
    /// <param name="bootstrapServers">The bootstrap addresses.</param>
    public static ClusterSnapshot FromBootstrap(IEnumerable<BrokerEndpoint> bootstrapServers)
    {
        ArgumentNullException.ThrowIfNull(bootstrapServers);
        var bootstrap = bootstrapServers.Select((e, i) => new BrokerNode(-1 - i, e.Host, e.Port)).ToArray();
        return new(0, DateTimeOffset.MinValue, null, -1, NoBrokers, bootstrap, NoTopics, NoErrors, NoNames, NoNames, NoCoordinators);
    }

    /// <summary>How many updates made this snapshot: 0 before the first Metadata answer, then one more per applied update.</summary>
    public long Generation { get; }

    /// <summary>When (on the client's scheduler) this snapshot was made.</summary>
    public DateTimeOffset UpdatedAt { get; }

    /// <summary>The cluster id (Metadata v2+), or null.</summary>
    public string? ClusterId { get; }

    /// <summary>The controller's node id (Metadata v1+), or -1 when unknown.</summary>
    public int ControllerId { get; }

    /// <summary>The brokers by node id, as the last Metadata answer listed them.</summary>
    public IReadOnlyDictionary<int, BrokerNode> Brokers { get; }

    /// <summary>The bootstrap addresses (node ids -1, -2, ...), used while no broker is known.</summary>
    public IReadOnlyList<BrokerNode> BootstrapBrokers { get; }

    /// <summary>Topics by name with their partitions. Topics the client may not describe are in <see cref="UnauthorizedTopics"/> instead; topics reported only with an error are in <see cref="TopicErrors"/>.</summary>
    public IReadOnlyDictionary<string, TopicMetadata> Topics { get; }

    /// <summary>
    /// Topic-level errors other than authorization, by topic (e.g. <see cref="ErrorCode.UnknownTopicOrPartition"/>
    /// for a topic that does not exist, <see cref="ErrorCode.LeaderNotAvailable"/> while one is being created).
    /// </summary>
    public IReadOnlyDictionary<string, ErrorCode> TopicErrors { get; }

    /// <summary>Topics the broker answered with TOPIC_AUTHORIZATION_FAILED.</summary>
    public IReadOnlySet<string> UnauthorizedTopics { get; }

    /// <summary>Topics Kafka uses itself (<c>__consumer_offsets</c>, <c>__transaction_state</c>).</summary>
    public IReadOnlySet<string> InternalTopics { get; }

    /// <summary>Coordinators found with FindCoordinator, by purpose (group or transaction, and key).</summary>
    public IReadOnlyDictionary<CoordinatorKey, BrokerNode> Coordinators { get; }

    /// <summary>The topic with this id (Metadata v10+), or null.</summary>
    public string? GetTopicName(Guid topicId)
    {
        var names = _namesById ??= BuildNamesById(Topics);
        return names.TryGetValue(topicId, out var name) ? name : null;
    }

    private static Dictionary<Guid, string> BuildNamesById(IReadOnlyDictionary<string, TopicMetadata> topics)
    {
        var names = new Dictionary<Guid, string>();
        foreach (var topic in topics.Values)
        {
            if (topic.TopicId != Guid.Empty)
            {
                names[topic.TopicId] = topic.Name;
            }
        }

        return names;
    }

    /// <inheritdoc/>
    public override string ToString() =>
        $"cluster {ClusterId ?? "(no id)"} generation {Generation}: {Brokers.Count} broker{(Brokers.Count == 1 ? "" : "s")}, controller {ControllerId}, {Topics.Count} topic{(Topics.Count == 1 ? "" : "s")}";
}

/// <summary>A coordinator's purpose: the kind of coordinator and the group id or transactional id it serves.</summary>
/// <param name="Type">Group or transaction coordinator.</param>
/// <param name="Key">The group id or transactional id.</param>
public readonly record struct CoordinatorKey(CoordinatorType Type, string Key)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Type} '{Key}'";
}
