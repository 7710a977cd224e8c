using System.Security.Cryptography;
using System.Text;

namespace RxKafka.Testing.Network;

// The topic model: topics, partitions, leaders, replicas, errors.
public sealed partial class ScriptedCluster
{
    // Kafka's limit: a topic's name is at most 249 characters of [a-zA-Z0-9._-], and not "." or "..".
    private const int MaxTopicNameLength = 249;

    private readonly SortedDictionary<string, TopicState> _topics = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ErrorCode> _topicErrors = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _topicsCreated = new(StringComparer.Ordinal);
    private int _autoCreatePartitions = 4;

    /// <summary>
    /// Whether a Metadata request that names a topic the cluster does not have, with
    /// <c>AllowAutoTopicCreation</c> (always, before v4), creates it as a broker with
    /// <c>auto.create.topics.enable</c> does: <see cref="AutoCreatePartitions"/> partitions, the default
    /// replication factor, answered with LEADER_NOT_AVAILABLE and no partitions that first time. When off,
    /// such a topic is answered with UNKNOWN_TOPIC_OR_PARTITION. On by default.
    /// </summary>
    public bool AutoCreateTopics { get; set; } = true;

    /// <summary>How many partitions an auto-created topic gets (Kafka's <c>num.partitions</c>); 4 by default.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public int AutoCreatePartitions
    {
        get => _autoCreatePartitions;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            _autoCreatePartitions = value;
        }
    }

    /// <summary>The names of the cluster's topics, in ordinal order.</summary>
    public IReadOnlyList<string> TopicNames
    {
        get
        {
            lock (_gate)
            {
                return _topics.Keys.ToArray();
            }
        }
    }

    /// <summary>
    /// Creates a topic. Replicas are assigned round-robin over the node ids of the brokers that are up, in
    /// ascending order: partition p's replicas are the <paramref name="replicationFactor"/> live node ids from
    /// index p on (wrapping), its leader is the first of them, its leader epoch 0 and its ISR all replicas.
    /// The topic id is derived from the name (and how many times a topic of that name was created before), so
    /// the same script gives the same ids.
    /// </summary>
    /// <param name="name">The topic's name: 1 to 249 characters of a-z, A-Z, 0-9, '.', '_' and '-', not "." or "..".</param>
    /// <param name="partitions">The number of partitions, at least 1.</param>
    /// <param name="replicationFactor">The number of replicas per partition, at most the number of live brokers; -1 (the default) for 3 or the number of live brokers if fewer.</param>
    /// <param name="isInternal">Whether Metadata reports the topic as internal (v1+), as <c>__consumer_offsets</c> is.</param>
    /// <returns>The topic's id.</returns>
    /// <exception cref="ArgumentException">The name is not a legal topic name, or there are not enough live brokers for the replication factor.</exception>
    /// <exception cref="InvalidOperationException">The topic exists.</exception>
    public Guid CreateTopic(string name, int partitions, int replicationFactor = -1, bool isInternal = false)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentOutOfRangeException.ThrowIfLessThan(partitions, 1);
        if (!IsLegalTopicName(name))
        {
            throw new ArgumentException($"'{name}' is not a legal topic name: 1 to {MaxTopicNameLength} characters of a-z, A-Z, 0-9, '.', '_' and '-', not '.' or '..'.", nameof(name));
        }

        lock (_gate)
        {
            if (_topics.ContainsKey(name))
            {
                throw new InvalidOperationException($"The scripted cluster already has topic '{name}'.");
            }

            return CreateTopicLocked(name, partitions, replicationFactor, isInternal).TopicId;
        }
    }

    /// <summary>Deletes a topic: Metadata no longer reports it (a topic error set for its name stays), and the offsets groups committed for it are dropped.</summary>
    /// <param name="name">The topic's name.</param>
    /// <exception cref="ArgumentException">The cluster has no such topic.</exception>
    public void DeleteTopic(string name)
    {
        lock (_gate)
        {
            GetTopic(name);
            _topics.Remove(name);
            ForgetCommittedOffsetsLocked(name);
            WakeFetchesLocked();
        }
    }

    /// <summary>The id of topic <paramref name="name"/> (what Metadata v10+ reports).</summary>
    /// <param name="name">The topic's name.</param>
    /// <exception cref="ArgumentException">The cluster has no such topic.</exception>
    public Guid TopicId(string name)
    {
        lock (_gate)
        {
            return GetTopic(name).TopicId;
        }
    }

    /// <summary>The partitions of topic <paramref name="name"/>, in index order, as the model holds them now.</summary>
    /// <param name="name">The topic's name.</param>
    /// <exception cref="ArgumentException">The cluster has no such topic.</exception>
    public IReadOnlyList<ScriptedPartition> Partitions(string name)
    {
        lock (_gate)
        {
            return GetTopic(name).Partitions.ToArray();
        }
    }

    /// <summary>
    /// Adds <paramref name="count"/> partitions to a topic (Kafka's CreatePartitions, which takes the new
    /// total, is <c>AddPartitions(topic, total - current)</c>); replicas are assigned as <see cref="CreateTopic"/> does.
    /// </summary>
    /// <param name="topic">The topic's name.</param>
    /// <param name="count">How many partitions to add, at least 1.</param>
    /// <exception cref="ArgumentException">The cluster has no such topic, or too few live brokers for its replication factor.</exception>
    public void AddPartitions(string topic, int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        lock (_gate)
        {
            var state = GetTopic(topic);
            AssignReplicas(state, count);
        }
    }

    /// <summary>
    /// Elects <paramref name="leaderId"/> leader of a partition and bumps its leader epoch, as a controller
    /// does at each election; -1 leaves the partition without a leader (Metadata then reports
    /// LEADER_NOT_AVAILABLE for it). Replicas and ISR are not changed.
    /// </summary>
    /// <param name="topic">The topic's name.</param>
    /// <param name="partition">The partition's index.</param>
    /// <param name="leaderId">The new leader's node id (normally one of the replicas), or -1.</param>
    /// <exception cref="ArgumentException">The cluster has no such topic or partition.</exception>
    public void SetPartitionLeader(string topic, int partition, int leaderId)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(leaderId, -1);
        UpdatePartition(topic, partition, p => p with { LeaderId = leaderId, LeaderEpoch = p.LeaderEpoch + 1 });
    }

    /// <summary>Sets the in-sync replicas of a partition.</summary>
    /// <param name="topic">The topic's name.</param>
    /// <param name="partition">The partition's index.</param>
    /// <param name="isr">The in-sync replicas' node ids.</param>
    /// <exception cref="ArgumentException">The cluster has no such topic or partition.</exception>
    public void SetIsr(string topic, int partition, params int[] isr)
    {
        var copy = CopyNodeIds(isr);
        UpdatePartition(topic, partition, p => p with { IsrNodes = copy });
    }

    /// <summary>Sets the replicas of a partition, the preferred leader first; the leader and ISR are not changed.</summary>
    /// <param name="topic">The topic's name.</param>
    /// <param name="partition">The partition's index.</param>
    /// <param name="replicas">The replicas' node ids.</param>
    /// <exception cref="ArgumentException">The cluster has no such topic or partition.</exception>
    public void SetReplicas(string topic, int partition, params int[] replicas)
    {
        var copy = CopyNodeIds(replicas);
        UpdatePartition(topic, partition, p => p with { ReplicaNodes = copy });
    }

    /// <summary>Sets the offline replicas Metadata reports for a partition (v5+).</summary>
    /// <param name="topic">The topic's name.</param>
    /// <param name="partition">The partition's index.</param>
    /// <param name="offlineReplicas">The offline replicas' node ids.</param>
    /// <exception cref="ArgumentException">The cluster has no such topic or partition.</exception>
    public void SetOfflineReplicas(string topic, int partition, params int[] offlineReplicas)
    {
        var copy = CopyNodeIds(offlineReplicas);
        UpdatePartition(topic, partition, p => p with { OfflineReplicas = copy });
    }

    /// <summary>
    /// Makes Metadata report <paramref name="error"/> for a partition (with its leader, replicas and ISR as
    /// they are), until set back to <see cref="ErrorCode.None"/>.
    /// </summary>
    /// <param name="topic">The topic's name.</param>
    /// <param name="partition">The partition's index.</param>
    /// <param name="error">The error, e.g. <see cref="ErrorCode.LeaderNotAvailable"/>.</param>
    /// <exception cref="ArgumentException">The cluster has no such topic or partition.</exception>
    public void SetPartitionError(string topic, int partition, ErrorCode error) =>
        UpdatePartition(topic, partition, p => p with { ErrorCode = error });

    /// <summary>
    /// Makes Metadata report <paramref name="error"/> for <paramref name="topic"/>, with no partitions, in
    /// place of the topic (e.g. <see cref="ErrorCode.TopicAuthorizationFailed"/>), whether or not the topic
    /// exists, until set back to <see cref="ErrorCode.None"/>. A topic that does not exist is reported only
    /// when a request names it; one that does is reported in all-topics requests too.
    /// </summary>
    /// <param name="topic">The topic's name.</param>
    /// <param name="error">The error, or <see cref="ErrorCode.None"/> to clear it.</param>
    public void SetTopicError(string topic, ErrorCode error)
    {
        ArgumentNullException.ThrowIfNull(topic);
        lock (_gate)
        {
            if (error == ErrorCode.None)
            {
                _topicErrors.Remove(topic);
            }
            else
            {
                _topicErrors[topic] = error;
            }

            WakeFetchesLocked();
        }
    }

    private TopicState CreateTopicLocked(string name, int partitions, int replicationFactor, bool isInternal)
    {
        var live = LiveNodeIds().Count;
        if (replicationFactor == -1)
        {
            replicationFactor = Math.Min(3, live);
        }

        if (replicationFactor < 1 || replicationFactor > live)
        {
            throw new ArgumentException($"Topic '{name}' cannot have replication factor {replicationFactor}: the scripted cluster has {live} live brokers.", nameof(replicationFactor));
        }

        var created = _topicsCreated.GetValueOrDefault(name);
        _topicsCreated[name] = created + 1;
        var topic = new TopicState(name, DeriveTopicId(name, created), isInternal, replicationFactor);
        AssignReplicas(topic, partitions);
        _topics.Add(name, topic);
        return topic;
    }

    private void AssignReplicas(TopicState topic, int count)
    {
        var live = LiveNodeIds();
        if (topic.ReplicationFactor > live.Count)
        {
            throw new ArgumentException($"Topic '{topic.Name}' has replication factor {topic.ReplicationFactor} but the scripted cluster has {live.Count} live brokers.", nameof(topic));
        }

        for (var n = 0; n < count; n++)
        {
            var index = topic.Partitions.Count;
            var replicas = Enumerable.Range(index, topic.ReplicationFactor).Select(i => live[i % live.Count]).ToArray();
            topic.Partitions.Add(new ScriptedPartition(index, replicas[0], 0, replicas, replicas, [], ErrorCode.None));
        }
    }

    private void UpdatePartition(string topic, int partition, Func<ScriptedPartition, ScriptedPartition> update)
    {
        lock (_gate)
        {
            var state = GetTopic(topic);
            if ((uint)partition >= (uint)state.Partitions.Count)
            {
                throw new ArgumentException($"Topic '{topic}' of the scripted cluster has no partition {partition}; it has {state.Partitions.Count}.", nameof(partition));
            }

            state.Partitions[partition] = update(state.Partitions[partition]);
            WakeFetchesLocked(); // a fetch waiting on the partition may now have an error to report
        }
    }

    private TopicState GetTopic(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _topics.TryGetValue(name, out var topic)
            ? topic
            : throw new ArgumentException($"The scripted cluster has no topic '{name}'.", nameof(name));
    }

    private static int[] CopyNodeIds(int[] nodeIds)
    {
        ArgumentNullException.ThrowIfNull(nodeIds);
        return nodeIds.ToArray();
    }

    private static bool IsLegalTopicName(string name) =>
        name.Length is > 0 and <= MaxTopicNameLength
        && name is not ("." or "..")
        && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-');

    // A hash of the name: stable across runs and machines, different for each re-creation of a name.
    private static Guid DeriveTopicId(string name, int created)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes($"{name}/{created}"), hash);
        return new Guid(hash[..16]);
    }

    private sealed partial class TopicState(string name, Guid topicId, bool isInternal, int replicationFactor)
    {
        public string Name { get; } = name;

        public Guid TopicId { get; } = topicId;

        public bool IsInternal { get; } = isInternal;

        public int ReplicationFactor { get; } = replicationFactor;

        public List<ScriptedPartition> Partitions { get; } = new();
    }
}
