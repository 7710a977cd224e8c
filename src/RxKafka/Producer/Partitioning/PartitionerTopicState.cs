using System.Collections.Concurrent;
using RxKafka.Cluster;

namespace RxKafka.Producer.Partitioning;

/// <summary>
/// What a built-in partitioner keeps for one topic: the topic's partition indices (all, and those with a
/// leader) worked out once per <see cref="TopicMetadata"/> instance. The cluster view keeps a topic's
/// instance while the topic does not change, so on the hot path this is one reference comparison.
/// </summary>
internal class PartitionerTopicState
{
    private Indices? _indices;

    /// <summary>The partition indices of <paramref name="topic"/>, from the cache when it was made for this instance.</summary>
    public Indices IndicesOf(TopicMetadata topic)
    {
        var cached = Volatile.Read(ref _indices);
        if (cached is not null && ReferenceEquals(cached.Source, topic))
        {
            return cached;
        }

        // Two threads may both rebuild after a metadata change; either result is right.
        var fresh = Indices.Of(topic);
        Volatile.Write(ref _indices, fresh);
        return fresh;
    }

    /// <summary>A topic's partition indices as one metadata instance gave them.</summary>
    /// <param name="Source">The metadata they were read from.</param>
    /// <param name="All">Every partition, in order.</param>
    /// <param name="Available">The partitions with a leader, in order; empty when none has one.</param>
    internal sealed record Indices(TopicMetadata Source, int[] All, int[] Available)
    {
        /// <summary>The partitions a record without a fixed partition may go to: those with a leader, or all when none has one.</summary>
        public int[] Candidates => Available.Length > 0 ? Available : All;

        public static Indices Of(TopicMetadata topic)
        {
            var partitions = topic.Partitions;
            if (partitions.IsDefaultOrEmpty)
            {
                throw NoPartitions(topic);
            }

            var all = new int[partitions.Length];
            var available = new List<int>(partitions.Length);
            for (var i = 0; i < partitions.Length; i++)
            {
                all[i] = partitions[i].Partition;
                if (partitions[i].IsAvailable)
                {
                    available.Add(partitions[i].Partition);
                }
            }

            return new Indices(topic, all, available.Count == all.Length ? all : available.ToArray());
        }
    }

    /// <summary>The error for a topic the producer asked to partition before its partitions were known.</summary>
    public static ArgumentException NoPartitions(TopicMetadata topic) =>
        new($"Topic '{topic.Name}' has no partitions in the cluster metadata, so no partition can be chosen for its record. "
            + "Partition a record once the topic's metadata lists its partitions (the topic may not exist yet, or may still be being created).",
            nameof(topic));
}

/// <summary>A built-in partitioner's state by topic name: made the first time a topic is seen, then only looked up.</summary>
/// <typeparam name="TState">The state kept per topic.</typeparam>
internal sealed class PartitionerTopics<TState>
    where TState : PartitionerTopicState, new()
{
    private readonly ConcurrentDictionary<string, TState> _byName = new(StringComparer.Ordinal);

    /// <summary>The state of <paramref name="topic"/>.</summary>
    public TState Of(TopicMetadata topic)
    {
        ArgumentNullException.ThrowIfNull(topic);
        return _byName.TryGetValue(topic.Name, out var state) ? state : _byName.GetOrAdd(topic.Name, static _ => new TState());
    }
}
