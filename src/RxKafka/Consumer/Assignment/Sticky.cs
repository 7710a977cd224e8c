namespace RxKafka.Consumer.Assignment;

/// <summary>The part the two sticky assignors share: from subscriptions and previous owners to <see cref="StickyBalancer"/>.</summary>
internal static class Sticky
{
    /// <summary>The sticky assignment of the existing subscribed topics' partitions, members in <see cref="MemberOrder"/>.</summary>
    public static Dictionary<string, List<TopicPartition>> Assign(
        IReadOnlyDictionary<string, int> partitionsPerTopic,
        IReadOnlyDictionary<string, MemberSubscription> subscriptions,
        PreviousOwners owners)
    {
        var members = MemberOrder.Sorted(subscriptions.Values);
        var topicsOf = members.ToDictionary(
            m => m.MemberId,
            m => (IReadOnlySet<string>)Subscriptions.ExistingTopics(m, partitionsPerTopic).ToHashSet(StringComparer.Ordinal),
            StringComparer.Ordinal);
        return StickyBalancer.Assign([.. members.Select(m => m.MemberId)], topicsOf, partitionsPerTopic, owners.Owners);
    }
}
