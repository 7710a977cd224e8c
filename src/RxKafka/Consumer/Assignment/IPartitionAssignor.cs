namespace RxKafka.Consumer.Assignment;

/// <summary>
/// A classic consumer group's partition assignor: the group leader runs it over every member's subscription and
/// sends each member its share in SyncGroup. Pure: no I/O, no clock; the same input gives the same output.
/// </summary>
internal interface IPartitionAssignor
{
    /// <summary>The JoinGroup protocol name every client uses for this assignor: <c>range</c>, <c>roundrobin</c>, <c>sticky</c>, <c>cooperative-sticky</c>.</summary>
    string Name { get; }

    /// <summary>The rebalance protocol the assignor is written for.</summary>
    RebalanceProtocol Protocol { get; }

    /// <summary>
    /// The user data the member puts in its subscription, given the partitions it was last assigned and that
    /// assignment's generation (-1 before the first). Empty for assignors that need none.
    /// </summary>
    ReadOnlyMemory<byte> SubscriptionUserData(IReadOnlyList<TopicPartition> currentAssignment, int generationId);

    /// <summary>
    /// Assigns the partitions of the subscribed topics to the members. A topic a member subscribes to that is not in
    /// <paramref name="partitionsPerTopic"/> (it does not exist) is skipped. Every member gets an entry, empty or not.
    /// </summary>
    /// <param name="partitionsPerTopic">The partition count of every existing topic some member subscribes to.</param>
    /// <param name="subscriptions">Every member's subscription, by member id.</param>
    IReadOnlyDictionary<string, MemberAssignment> Assign(
        IReadOnlyDictionary<string, int> partitionsPerTopic,
        IReadOnlyDictionary<string, MemberSubscription> subscriptions);
}
