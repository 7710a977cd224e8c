namespace RxKafka.Consumer.Assignment;

/// <summary>Checks and views of an assignor's input shared by every assignor.</summary>
internal static class Subscriptions
{
    /// <summary>
    /// Checks the input of <see cref="IPartitionAssignor.Assign"/>: a member keyed under another id than its own, or
    /// a negative partition count, is a bug in the caller, named here rather than turned into a wrong assignment.
    /// </summary>
    public static void Check(IReadOnlyDictionary<string, int> partitionsPerTopic, IReadOnlyDictionary<string, MemberSubscription> subscriptions)
    {
        ArgumentNullException.ThrowIfNull(partitionsPerTopic);
        ArgumentNullException.ThrowIfNull(subscriptions);
        foreach (var (topic, count) in partitionsPerTopic)
        {
            if (count < 0)
            {
                throw new ArgumentException($"topic '{topic}' has a negative partition count ({count})", nameof(partitionsPerTopic));
            }
        }

        foreach (var (memberId, subscription) in subscriptions)
        {
            if (subscription is null || !string.Equals(memberId, subscription.MemberId, StringComparison.Ordinal))
            {
                throw new ArgumentException($"the subscription keyed '{memberId}' belongs to member '{subscription?.MemberId}'", nameof(subscriptions));
            }
        }
    }

    /// <summary>The existing topics the member subscribes to, each once; topics that do not exist are skipped, as Java's assignors do.</summary>
    public static IEnumerable<string> ExistingTopics(MemberSubscription member, IReadOnlyDictionary<string, int> partitionsPerTopic) =>
        member.Topics.Distinct(StringComparer.Ordinal).Where(partitionsPerTopic.ContainsKey);

    /// <summary>An assignment per member, each member's partitions ordered by topic then partition.</summary>
    public static Dictionary<string, MemberAssignment> ToAssignments(
        IReadOnlyDictionary<string, MemberSubscription> subscriptions, IReadOnlyDictionary<string, List<TopicPartition>> partitions)
    {
        var result = new Dictionary<string, MemberAssignment>(subscriptions.Count, StringComparer.Ordinal);
        foreach (var memberId in subscriptions.Keys)
        {
            var list = partitions.TryGetValue(memberId, out var assigned) ? assigned : [];
            list.Sort(PartitionOrder.Instance);
            result[memberId] = new MemberAssignment(list.AsReadOnly(), ReadOnlyMemory<byte>.Empty);
        }

        return result;
    }
}

/// <summary>Topic (ordinal) then partition: the order Java sorts partitions in.</summary>
internal sealed class PartitionOrder : IComparer<TopicPartition>
{
    /// <summary>The one instance.</summary>
    public static PartitionOrder Instance { get; } = new();

    /// <inheritdoc/>
    public int Compare(TopicPartition x, TopicPartition y)
    {
        var byTopic = string.CompareOrdinal(x.Topic, y.Topic);
        return byTopic != 0 ? byTopic : x.Partition.CompareTo(y.Partition);
    }
}
