using System.Collections.Immutable;

namespace RxKafka.Cluster;

/// <summary>
/// One difference between two consecutive cluster snapshots (M4). Each kind is its own type, so
/// queries filter with <c>OfType&lt;LeaderChanged&gt;()</c> and read typed fields.
/// <c>ToString()</c> gives one readable line.
/// </summary>
public abstract record ClusterChange
{
    private protected ClusterChange()
    {
    }
}

/// <summary>A change to one topic or to its partitions: <c>Changes.OfType&lt;ITopicChange&gt;().Where(c => c.Topic == "orders")</c> sees all of them.</summary>
public interface ITopicChange
{
    /// <summary>The topic's name.</summary>
    string Topic { get; }
}

/// <summary>A change to one partition (leader, ISR, replicas, offline replicas).</summary>
public interface IPartitionChange : ITopicChange
{
    /// <summary>The partition index.</summary>
    int Partition { get; }

    /// <summary>The partition.</summary>
    TopicPartition TopicPartition { get; }
}

/// <summary>A broker appeared in the metadata.</summary>
/// <param name="Broker">The new broker.</param>
public sealed record BrokerAdded(BrokerNode Broker) : ClusterChange
{
    /// <inheritdoc/>
    public override string ToString() => $"broker {Broker} added";
}

/// <summary>A broker is no longer in the metadata (shut down, fenced, or unreachable by the cluster).</summary>
/// <param name="Broker">The broker as it was last listed.</param>
public sealed record BrokerRemoved(BrokerNode Broker) : ClusterChange
{
    /// <inheritdoc/>
    public override string ToString() => $"broker {Broker} removed";
}

/// <summary>A broker now advertises another host, port or rack.</summary>
/// <param name="PreviousBroker">As it was.</param>
/// <param name="Broker">As it is now.</param>
public sealed record BrokerEndpointChanged(BrokerNode PreviousBroker, BrokerNode Broker) : ClusterChange
{
    /// <inheritdoc/>
    public override string ToString() => $"broker {Broker.NodeId} moved from {PreviousBroker} to {Broker}";
}

/// <summary>Another broker is the controller.</summary>
/// <param name="PreviousControllerId">The previous controller's node id, or -1.</param>
/// <param name="ControllerId">The controller's node id, or -1 when unknown.</param>
public sealed record ControllerChanged(int PreviousControllerId, int ControllerId) : ClusterChange
{
    /// <inheritdoc/>
    public override string ToString() => $"controller changed from {PreviousControllerId} to {ControllerId}";
}

/// <summary>A topic appeared.</summary>
/// <param name="Metadata">The topic and its partitions.</param>
public sealed record TopicAdded(TopicMetadata Metadata) : ClusterChange, ITopicChange
{
    /// <summary>The topic's name.</summary>
    public string Topic => Metadata.Name;

    /// <inheritdoc/>
    public override string ToString() => $"topic {Metadata} added";
}

/// <summary>A topic is gone (deleted, or no longer asked for).</summary>
/// <param name="Metadata">The topic as it was last seen.</param>
public sealed record TopicRemoved(TopicMetadata Metadata) : ClusterChange, ITopicChange
{
    /// <summary>The topic's name.</summary>
    public string Topic => Metadata.Name;

    /// <inheritdoc/>
    public override string ToString() => $"topic {Topic} removed";
}

/// <summary>A topic's error changed (e.g. it became unauthorized, or finished being created).</summary>
/// <param name="Topic">The topic.</param>
/// <param name="PreviousError">The error before (<see cref="ErrorCode.None"/> when there was none).</param>
/// <param name="Error">The error now (<see cref="ErrorCode.None"/> when cleared).</param>
public sealed record TopicErrorChanged(string Topic, ErrorCode PreviousError, ErrorCode Error) : ClusterChange, ITopicChange
{
    /// <inheritdoc/>
    public override string ToString() => $"topic {Topic} error {PreviousError} -> {Error}";
}

/// <summary>A topic got more partitions.</summary>
/// <param name="Topic">The topic.</param>
/// <param name="Partitions">The new partitions.</param>
public sealed record PartitionsAdded(string Topic, ImmutableArray<PartitionMetadata> Partitions) : ClusterChange, ITopicChange
{
    /// <inheritdoc/>
    public bool Equals(PartitionsAdded? other) =>
        other is not null && Topic == other.Topic && PartitionMetadata.SamePartitions(Partitions, other.Partitions);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Topic, Partitions.IsDefault ? 0 : Partitions.Length);

    /// <inheritdoc/>
    public override string ToString() => $"topic {Topic}: {Partitions.Length} partition{(Partitions.Length == 1 ? "" : "s")} added ({string.Join(",", Partitions.Select(p => p.Partition))})";
}

/// <summary>A topic has fewer partitions than before (only a delete and re-create without topic ids does this).</summary>
/// <param name="Topic">The topic.</param>
/// <param name="Partitions">The partitions that are gone.</param>
public sealed record PartitionsRemoved(string Topic, ImmutableArray<PartitionMetadata> Partitions) : ClusterChange, ITopicChange
{
    /// <inheritdoc/>
    public bool Equals(PartitionsRemoved? other) =>
        other is not null && Topic == other.Topic && PartitionMetadata.SamePartitions(Partitions, other.Partitions);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Topic, Partitions.IsDefault ? 0 : Partitions.Length);

    /// <inheritdoc/>
    public override string ToString() => $"topic {Topic}: {Partitions.Length} partition{(Partitions.Length == 1 ? "" : "s")} removed ({string.Join(",", Partitions.Select(p => p.Partition))})";
}

/// <summary>A partition's leader or leader epoch changed: a new leadership term.</summary>
/// <param name="Topic">The topic.</param>
/// <param name="Partition">The partition index.</param>
/// <param name="PreviousLeader">The previous leader's node id (-1: none).</param>
/// <param name="Leader">The leader's node id (-1: none, the partition is unavailable).</param>
/// <param name="PreviousLeaderEpoch">The previous leader epoch (-1: not sent).</param>
/// <param name="LeaderEpoch">The leader epoch (-1: not sent).</param>
public sealed record LeaderChanged(string Topic, int Partition, int PreviousLeader, int Leader, int PreviousLeaderEpoch, int LeaderEpoch) : ClusterChange, IPartitionChange
{
    /// <summary>The partition.</summary>
    public TopicPartition TopicPartition => new(Topic, Partition);

    /// <inheritdoc/>
    public override string ToString() =>
        $"leader of {Topic}-{Partition} {(PreviousLeader == Leader ? "re-elected" : "moved")} {PreviousLeader} -> {Leader} (epoch {PreviousLeaderEpoch} -> {LeaderEpoch})";
}

/// <summary>A partition's in-sync replica set changed.</summary>
/// <param name="Topic">The topic.</param>
/// <param name="Partition">The partition index.</param>
/// <param name="PreviousIsr">The ISR before.</param>
/// <param name="Isr">The ISR now.</param>
public sealed record IsrChanged(string Topic, int Partition, ImmutableArray<int> PreviousIsr, ImmutableArray<int> Isr) : ClusterChange, IPartitionChange
{
    /// <summary>The partition.</summary>
    public TopicPartition TopicPartition => new(Topic, Partition);

    /// <inheritdoc/>
    public bool Equals(IsrChanged? other) =>
        other is not null && Topic == other.Topic && Partition == other.Partition
        && PartitionMetadata.SameNodes(PreviousIsr, other.PreviousIsr) && PartitionMetadata.SameNodes(Isr, other.Isr);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Topic, Partition);

    /// <inheritdoc/>
    public override string ToString() => $"isr of {Topic}-{Partition} {PartitionMetadata.Nodes(PreviousIsr)} -> {PartitionMetadata.Nodes(Isr)}";
}

/// <summary>A partition's replica assignment changed (a reassignment).</summary>
/// <param name="Topic">The topic.</param>
/// <param name="Partition">The partition index.</param>
/// <param name="PreviousReplicas">The replicas before.</param>
/// <param name="Replicas">The replicas now.</param>
public sealed record ReplicasChanged(string Topic, int Partition, ImmutableArray<int> PreviousReplicas, ImmutableArray<int> Replicas) : ClusterChange, IPartitionChange
{
    /// <summary>The partition.</summary>
    public TopicPartition TopicPartition => new(Topic, Partition);

    /// <inheritdoc/>
    public bool Equals(ReplicasChanged? other) =>
        other is not null && Topic == other.Topic && Partition == other.Partition
        && PartitionMetadata.SameNodes(PreviousReplicas, other.PreviousReplicas) && PartitionMetadata.SameNodes(Replicas, other.Replicas);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Topic, Partition);

    /// <inheritdoc/>
    public override string ToString() => $"replicas of {Topic}-{Partition} {PartitionMetadata.Nodes(PreviousReplicas)} -> {PartitionMetadata.Nodes(Replicas)}";
}

/// <summary>A partition's offline replicas changed (a broker's log directory failed or recovered).</summary>
/// <param name="Topic">The topic.</param>
/// <param name="Partition">The partition index.</param>
/// <param name="PreviousOfflineReplicas">The offline replicas before.</param>
/// <param name="OfflineReplicas">The offline replicas now.</param>
public sealed record OfflineReplicasChanged(string Topic, int Partition, ImmutableArray<int> PreviousOfflineReplicas, ImmutableArray<int> OfflineReplicas) : ClusterChange, IPartitionChange
{
    /// <summary>The partition.</summary>
    public TopicPartition TopicPartition => new(Topic, Partition);

    /// <inheritdoc/>
    public bool Equals(OfflineReplicasChanged? other) =>
        other is not null && Topic == other.Topic && Partition == other.Partition
        && PartitionMetadata.SameNodes(PreviousOfflineReplicas, other.PreviousOfflineReplicas) && PartitionMetadata.SameNodes(OfflineReplicas, other.OfflineReplicas);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Topic, Partition);

    /// <inheritdoc/>
    public override string ToString() => $"offline replicas of {Topic}-{Partition} {PartitionMetadata.Nodes(PreviousOfflineReplicas)} -> {PartitionMetadata.Nodes(OfflineReplicas)}";
}

/// <summary>A group's or transactional id's coordinator changed, was found, or was forgotten.</summary>
/// <param name="Type">Group or transaction coordinator.</param>
/// <param name="Key">The group id or transactional id.</param>
/// <param name="PreviousCoordinator">The coordinator before, or null when none was known.</param>
/// <param name="Coordinator">The coordinator now, or null when forgotten.</param>
public sealed record CoordinatorChanged(CoordinatorType Type, string Key, BrokerNode? PreviousCoordinator, BrokerNode? Coordinator) : ClusterChange
{
    /// <inheritdoc/>
    public override string ToString() =>
        $"{Type.ToString().ToLowerInvariant()} coordinator of '{Key}' {PreviousCoordinator?.NodeId.ToString() ?? "none"} -> {Coordinator?.NodeId.ToString() ?? "none"}";
}

/// <summary>The changes between two consecutive snapshots, with both snapshots.</summary>
/// <param name="Previous">The snapshot before.</param>
/// <param name="Current">The snapshot after.</param>
/// <param name="Changes">What differs, in order: brokers (by node id), the controller, topics (by name) with their partitions, topic errors, then coordinators.</param>
public sealed record ClusterChangeSet(ClusterSnapshot Previous, ClusterSnapshot Current, IReadOnlyList<ClusterChange> Changes);
