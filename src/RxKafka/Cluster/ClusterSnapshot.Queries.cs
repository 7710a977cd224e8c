namespace RxKafka.Cluster;

// M5: the questions the client and its users ask of a snapshot.
public sealed partial class ClusterSnapshot
{
    /// <summary>The brokers ordered by node id; the bootstrap addresses while the metadata names none.</summary>
    public IReadOnlyList<BrokerNode> GetBrokers()
    {
        if (Brokers.Count == 0)
        {
            return BootstrapBrokers;
        }

        return _sortedBrokers ??= Brokers.Values.OrderBy(b => b.NodeId).ToArray();
    }

    /// <summary>The broker with node id <paramref name="nodeId"/>, or null when the metadata does not list it.</summary>
    public BrokerNode? GetBroker(int nodeId) =>
        Brokers.TryGetValue(nodeId, out var broker) ? broker : nodeId < 0 ? BootstrapBrokers.FirstOrDefault(b => b.NodeId == nodeId) : null;

    /// <summary>The controller, or null when unknown (Metadata v0) or not among the brokers.</summary>
    public BrokerNode? GetController() => ControllerId >= 0 ? GetBroker(ControllerId) : null;

    /// <summary>The topic's partition indices in order, or null when the topic is not known.</summary>
    public IReadOnlyList<int>? GetPartitions(string topic)
    {
        ArgumentNullException.ThrowIfNull(topic);
        return Topics.TryGetValue(topic, out var metadata) ? metadata.Partitions.Select(p => p.Partition).ToArray() : null;
    }

    /// <summary>The topic's partitions that have a leader (leader ≠ -1), in order; empty when the topic is not known.</summary>
    public IReadOnlyList<int> GetAvailablePartitions(string topic)
    {
        ArgumentNullException.ThrowIfNull(topic);
        return Topics.TryGetValue(topic, out var metadata)
            ? metadata.Partitions.Where(p => p.IsAvailable).Select(p => p.Partition).ToArray()
            : [];
    }

    /// <summary>One partition's metadata, or null when the topic or the partition is not known.</summary>
    public PartitionMetadata? GetPartition(string topic, int partition)
    {
        ArgumentNullException.ThrowIfNull(topic);
        return Topics.TryGetValue(topic, out var metadata) ? metadata.GetPartition(partition) : null;
    }

    /// <summary>One partition's metadata, or null when the topic or the partition is not known.</summary>
    public PartitionMetadata? GetPartition(TopicPartition partition) => GetPartition(partition.Topic, partition.Partition);

    /// <summary>
    /// The leader of a partition: its node id, -1 when the partition is known but has no leader, or
    /// null when the topic or the partition is not known.
    /// </summary>
    public int? GetLeader(string topic, int partition) => GetPartition(topic, partition)?.Leader;

    /// <summary>The partitions broker <paramref name="nodeId"/> leads, ordered by topic and partition.</summary>
    public IReadOnlyList<TopicPartition> GetPartitionsLedBy(int nodeId)
    {
        // One pass over every partition, made the first time anyone asks and kept with the snapshot.
        var index = _ledBy ??= IndexLeaders(Topics);
        return index.TryGetValue(nodeId, out var partitions) ? partitions : [];
    }

    /// <summary>The topic names in ordinal order, with or without Kafka's internal topics.</summary>
    public IReadOnlyList<string> GetTopics(bool includeInternal = true) =>
        Topics.Values.Where(t => includeInternal || !t.IsInternal).Select(t => t.Name).Order(StringComparer.Ordinal).ToArray();

    /// <summary>The coordinator recorded for a group or transactional id, or null.</summary>
    public BrokerNode? GetCoordinator(CoordinatorType type, string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Coordinators.TryGetValue(new CoordinatorKey(type, key), out var node) ? node : null;
    }

    private static Dictionary<int, TopicPartition[]> IndexLeaders(IReadOnlyDictionary<string, TopicMetadata> topics)
    {
        var byLeader = new Dictionary<int, List<TopicPartition>>();
        foreach (var topic in topics.Values.OrderBy(t => t.Name, StringComparer.Ordinal))
        {
            foreach (var partition in topic.Partitions)
            {
                if (partition.Leader < 0)
                {
                    continue;
                }

                if (!byLeader.TryGetValue(partition.Leader, out var list))
                {
                    byLeader[partition.Leader] = list = new List<TopicPartition>();
                }

                list.Add(partition.TopicPartition);
            }
        }

        return byLeader.ToDictionary(p => p.Key, p => p.Value.ToArray());
    }
}
