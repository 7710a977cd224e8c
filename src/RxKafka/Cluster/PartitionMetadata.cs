using System.Collections.Immutable;

namespace RxKafka.Cluster;

/// <summary>
/// One partition in the cluster metadata (M1). Equality compares every field, including the
/// contents of the replica lists.
/// </summary>
/// <param name="Topic">The topic.</param>
/// <param name="Partition">The partition index.</param>
/// <param name="Leader">The leader's node id, or -1 when the partition has no leader (known but unavailable, M2).</param>
/// <param name="LeaderEpoch">The leader epoch (Metadata v7+), or -1 when the broker does not send it.</param>
/// <param name="Replicas">The replicas' node ids, preferred leader first.</param>
/// <param name="Isr">The in-sync replicas' node ids.</param>
/// <param name="OfflineReplicas">Replicas whose log directory is offline (Metadata v5+).</param>
/// <param name="Error">The partition's error (e.g. <see cref="ErrorCode.LeaderNotAvailable"/>), or <see cref="ErrorCode.None"/>.</param>
public sealed record PartitionMetadata(
    string Topic,
    int Partition,
    int Leader,
    int LeaderEpoch,
    ImmutableArray<int> Replicas,
    ImmutableArray<int> Isr,
    ImmutableArray<int> OfflineReplicas,
    ErrorCode Error = ErrorCode.None)
{
    /// <summary>Whether the partition has a leader, so it can be produced to and fetched from.</summary>
    public bool IsAvailable => Leader >= 0;

    /// <summary>The partition as a <see cref="RxKafka.TopicPartition"/>.</summary>
    public TopicPartition TopicPartition => new(Topic, Partition);

    /// <inheritdoc/>
    public bool Equals(PartitionMetadata? other) =>
        other is not null
        && (ReferenceEquals(this, other)
            || (Partition == other.Partition
                && Leader == other.Leader
                && LeaderEpoch == other.LeaderEpoch
                && Error == other.Error
                && string.Equals(Topic, other.Topic, StringComparison.Ordinal)
                && SameNodes(Replicas, other.Replicas)
                && SameNodes(Isr, other.Isr)
                && SameNodes(OfflineReplicas, other.OfflineReplicas)));

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Topic, Partition, Leader, LeaderEpoch, Error);

    /// <inheritdoc/>
    public override string ToString() =>
        $"{Topic}-{Partition} leader {Leader} (epoch {LeaderEpoch}) replicas {Nodes(Replicas)} isr {Nodes(Isr)}"
        + (OfflineReplicas.IsDefaultOrEmpty ? "" : $" offline {Nodes(OfflineReplicas)}")
        + (Error == ErrorCode.None ? "" : $" error {Error}");

    internal static bool SameNodes(ImmutableArray<int> a, ImmutableArray<int> b) => SameItems(a, b);

    internal static bool SamePartitions(ImmutableArray<PartitionMetadata> a, ImmutableArray<PartitionMetadata> b) => SameItems(a, b);

    // ImmutableArray's own Equals compares array references; records need the contents.
    private static bool SameItems<T>(ImmutableArray<T> a, ImmutableArray<T> b)
        where T : IEquatable<T> =>
        a.IsDefaultOrEmpty ? b.IsDefaultOrEmpty : !b.IsDefault && a.AsSpan().SequenceEqual(b.AsSpan());

    /// <summary>Node ids as Kafka's tools print them: [1,2,3].</summary>
    internal static string Nodes(ImmutableArray<int> nodes) => nodes.IsDefaultOrEmpty ? "[]" : "[" + string.Join(",", nodes) + "]";
}
