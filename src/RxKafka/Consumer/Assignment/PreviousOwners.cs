namespace RxKafka.Consumer.Assignment;

/// <summary>
/// Who owned each partition before this rebalance, as the sticky assignors decide it from the members' claims
/// (owned partitions with the generation they were assigned in). Claims can disagree after a member missed a
/// rebalance (a zombie that still believes it owns what was given away): the claim of the highest generation wins,
/// as in Java's AbstractStickyAssignor, and two members claiming one partition in the same generation both lose it
/// (Java logs this as an error and invalidates both claims). Claims on partitions that no longer exist are dropped.
/// </summary>
internal sealed class PreviousOwners
{
    private readonly Dictionary<TopicPartition, string> _owners = [];
    private readonly HashSet<TopicPartition> _contested = [];

    /// <summary>Resolves the claims; <paramref name="claims"/> lists each member with its owned partitions and their generation.</summary>
    public PreviousOwners(
        IEnumerable<(string MemberId, IReadOnlyList<TopicPartition> Owned, int GenerationId)> claims,
        IReadOnlyDictionary<string, int> partitionsPerTopic)
    {
        var best = new Dictionary<TopicPartition, int>();
        foreach (var (memberId, owned, generation) in claims)
        {
            foreach (var partition in owned.Distinct())
            {
                if (!partitionsPerTopic.TryGetValue(partition.Topic, out var count) || partition.Partition >= count)
                {
                    continue;
                }

                if (!best.TryGetValue(partition, out var bestGeneration) || generation > bestGeneration)
                {
                    best[partition] = generation;
                    _owners[partition] = memberId;
                    _contested.Remove(partition);
                }
                else if (generation == bestGeneration)
                {
                    _owners.Remove(partition);
                    _contested.Add(partition);
                }
            }
        }
    }

    /// <summary>The one member whose claim on each partition stands.</summary>
    public IReadOnlyDictionary<TopicPartition, string> Owners => _owners;

    /// <summary>Partitions that two or more members claimed in the same, highest, generation: owned by none of them.</summary>
    public IReadOnlySet<TopicPartition> Contested => _contested;
}
