using System.Collections.Immutable;
using RxKafka.Cluster;

namespace RxKafka.Tests.Producer.Partitioning;

/// <summary>Topic metadata for the partitioner tests: partition i led by <c>leaders[i]</c>, -1 for no leader.</summary>
internal static class Topics
{
    public const int NoLeader = -1;

    /// <summary>Six partitions: 0, 2, 4 and 5 have a leader, 1 and 3 do not.</summary>
    public static readonly TopicMetadata Orders = Topic("orders", 1, NoLeader, 2, NoLeader, 3, 1);

    public static TopicMetadata Topic(string name, params int[] leaders) =>
        new(name, Guid.Empty, false, [.. leaders.Select((leader, i) => Partition(name, i, leader))]);

    /// <summary><paramref name="count"/> partitions, all led by broker 1.</summary>
    public static TopicMetadata Led(string name, int count) => Topic(name, Enumerable.Repeat(1, count).ToArray());

    /// <summary>The partitions of <paramref name="topic"/> that have a leader.</summary>
    public static int[] Available(TopicMetadata topic) => topic.Partitions.Where(p => p.IsAvailable).Select(p => p.Partition).ToArray();

    private static PartitionMetadata Partition(string topic, int index, int leader) =>
        new(topic, index, leader, LeaderEpoch: 0,
            Replicas: leader >= 0 ? [leader] : ImmutableArray<int>.Empty,
            Isr: leader >= 0 ? [leader] : ImmutableArray<int>.Empty,
            OfflineReplicas: ImmutableArray<int>.Empty);
}
