namespace RxKafka.Consumer.Assignment;

/// <summary>
/// The range assignor (<c>range</c>), as Java's RangeAssignor and librdkafka's: topic by topic, the members that
/// subscribe to it, in <see cref="MemberOrder"/>, each take a contiguous range of its partitions; with n partitions
/// and m members, the first n mod m members take one more than the others. (Java's rack-aware variant, KIP-881, is
/// not done here: with no partition racks given it is this one.)
/// </summary>
internal sealed class RangeAssignor : IPartitionAssignor
{
    /// <inheritdoc/>
    public string Name => "range";

    /// <inheritdoc/>
    public RebalanceProtocol Protocol => RebalanceProtocol.Eager;

    /// <inheritdoc/>
    public ReadOnlyMemory<byte> SubscriptionUserData(IReadOnlyList<TopicPartition> currentAssignment, int generationId) => ReadOnlyMemory<byte>.Empty;

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, MemberAssignment> Assign(
        IReadOnlyDictionary<string, int> partitionsPerTopic, IReadOnlyDictionary<string, MemberSubscription> subscriptions)
    {
        Subscriptions.Check(partitionsPerTopic, subscriptions);
        var membersPerTopic = new Dictionary<string, List<MemberSubscription>>(StringComparer.Ordinal);
        foreach (var member in subscriptions.Values)
        {
            foreach (var topic in Subscriptions.ExistingTopics(member, partitionsPerTopic))
            {
                if (!membersPerTopic.TryGetValue(topic, out var members))
                {
                    membersPerTopic[topic] = members = [];
                }

                members.Add(member);
            }
        }

        var assigned = new Dictionary<string, List<TopicPartition>>(StringComparer.Ordinal);
        foreach (var (topic, members) in membersPerTopic)
        {
            members.Sort(MemberOrder.Instance);
            var partitions = partitionsPerTopic[topic];
            var each = partitions / members.Count;
            var withExtra = partitions % members.Count;
            for (var i = 0; i < members.Count; i++)
            {
                var start = (each * i) + Math.Min(i, withExtra);
                var length = each + (i < withExtra ? 1 : 0);
                if (!assigned.TryGetValue(members[i].MemberId, out var list))
                {
                    assigned[members[i].MemberId] = list = [];
                }

                for (var p = start; p < start + length; p++)
                {
                    list.Add(new TopicPartition(topic, p));
                }
            }
        }

        return Subscriptions.ToAssignments(subscriptions, assigned);
    }
}
