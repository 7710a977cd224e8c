namespace RxKafka.Consumer.Assignment;

/// <summary>
/// The round-robin assignor (<c>roundrobin</c>), as Java's RoundRobinAssignor and librdkafka's: every partition of
/// every subscribed topic, ordered by topic then partition, goes to the next member in <see cref="MemberOrder"/>
/// that subscribes to its topic, the turn passing round the members in a circle.
/// </summary>
internal sealed class RoundRobinAssignor : IPartitionAssignor
{
    /// <inheritdoc/>
    public string Name => "roundrobin";

    /// <inheritdoc/>
    public RebalanceProtocol Protocol => RebalanceProtocol.Eager;

    /// <inheritdoc/>
    public ReadOnlyMemory<byte> SubscriptionUserData(IReadOnlyList<TopicPartition> currentAssignment, int generationId) => ReadOnlyMemory<byte>.Empty;

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, MemberAssignment> Assign(
        IReadOnlyDictionary<string, int> partitionsPerTopic, IReadOnlyDictionary<string, MemberSubscription> subscriptions)
    {
        Subscriptions.Check(partitionsPerTopic, subscriptions);
        var members = MemberOrder.Sorted(subscriptions.Values);
        var topicsOf = members.Select(m => Subscriptions.ExistingTopics(m, partitionsPerTopic).ToHashSet(StringComparer.Ordinal)).ToList();
        var topics = topicsOf.SelectMany(t => t).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);

        var assigned = members.ToDictionary(m => m.MemberId, _ => new List<TopicPartition>(), StringComparer.Ordinal);
        var next = 0;
        foreach (var topic in topics)
        {
            for (var partition = 0; partition < partitionsPerTopic[topic]; partition++)
            {
                // Some member subscribes to the topic (it is in the union), so this stops within one turn round the circle.
                while (!topicsOf[next].Contains(topic))
                {
                    next = (next + 1) % members.Count;
                }

                assigned[members[next].MemberId].Add(new TopicPartition(topic, partition));
                next = (next + 1) % members.Count;
            }
        }

        return Subscriptions.ToAssignments(subscriptions, assigned);
    }
}
