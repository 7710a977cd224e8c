using System.Collections.Immutable;

namespace RxKafka.Cluster;

/// <summary>
/// One topic in the cluster metadata (M1): its partitions in index order. Equality compares every
/// field, including each partition.
/// </summary>
/// <param name="Name">The topic's name.</param>
/// <param name="TopicId">The topic id (Metadata v10+), or <see cref="Guid.Empty"/> when the broker does not send one.</param>
/// <param name="IsInternal">Whether Kafka uses the topic itself (<c>__consumer_offsets</c>, <c>__transaction_state</c>).</param>
/// <param name="Partitions">The partitions, ordered by index.</param>
/// <param name="Error">The topic-level error the broker reported alongside its partitions, or <see cref="ErrorCode.None"/>.</param>
public sealed record TopicMetadata(string Name, Guid TopicId, bool IsInternal, ImmutableArray<PartitionMetadata> Partitions, ErrorCode Error = ErrorCode.None)
{
    /// <summary>The partition with index <paramref name="partition"/>, or null when the topic has no such partition.</summary>
    public PartitionMetadata? GetPartition(int partition)
    {
        var all = Partitions;
        // Partitions are almost always 0..n-1, so the index is the position.
        if ((uint)partition < (uint)all.Length && all[partition].Partition == partition)
        {
            return all[partition];
        }

        int low = 0, high = all.Length - 1;
        while (low <= high)
        {
            var mid = (low + high) >>> 1;
            var at = all[mid].Partition;
            if (at == partition)
            {
                return all[mid];
            }

            if (at < partition)
            {
                low = mid + 1;
            }
            else
            {
                high = mid - 1;
            }
        }

        return null;
    }

    /// <inheritdoc/>
    public bool Equals(TopicMetadata? other)
    {
        if (other is null)
        {
            return false;
        }

        if (ReferenceEquals(this, other))
        {
            return true;
        }

        if (!string.Equals(Name, other.Name, StringComparison.Ordinal) || TopicId != other.TopicId || IsInternal != other.IsInternal
            || Error != other.Error || Partitions.Length != other.Partitions.Length)
        {
            return false;
        }

        for (var i = 0; i < Partitions.Length; i++)
        {
            if (!Partitions[i].Equals(other.Partitions[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Name, TopicId, IsInternal, Partitions.Length, Error);

    /// <inheritdoc/>
    public override string ToString() =>
        $"{Name} ({Partitions.Length} partition{(Partitions.Length == 1 ? "" : "s")}"
        + (IsInternal ? ", internal" : "")
        + (TopicId == Guid.Empty ? "" : $", id {TopicId}")
        + (Error == ErrorCode.None ? "" : $", error {Error}")
        + ")";
}
