namespace RxKafka.Consumer.Assignment;

/// <summary>
/// The cooperative sticky assignor (<c>cooperative-sticky</c>, Java's CooperativeStickyAssignor, KIP-429): the sticky
/// assignment of <see cref="StickyBalancer"/> over the partitions members own as they join, except that a partition
/// moving to another member is only revoked in this round: it is left out of both members' assignments, its owner
/// revokes it and rejoins, and the next rebalance gives it to the new owner, so no two members ever consume it at once.
/// A partition two members claimed in the same generation is left out too, until both have let it go.
/// </summary>
internal sealed class CooperativeStickyAssignor : IPartitionAssignor
{
    /// <inheritdoc/>
    public string Name => "cooperative-sticky";

    /// <inheritdoc/>
    public RebalanceProtocol Protocol => RebalanceProtocol.Cooperative;

    /// <inheritdoc/>
    /// <remarks>The generation, as Java writes it for leaders that read subscriptions older than version 2.</remarks>
    public ReadOnlyMemory<byte> SubscriptionUserData(IReadOnlyList<TopicPartition> currentAssignment, int generationId) =>
        StickyUserData.WriteGeneration(generationId);

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, MemberAssignment> Assign(
        IReadOnlyDictionary<string, int> partitionsPerTopic, IReadOnlyDictionary<string, MemberSubscription> subscriptions)
    {
        Subscriptions.Check(partitionsPerTopic, subscriptions);
        var owners = new PreviousOwners(subscriptions.Values.Select(Claim), partitionsPerTopic);
        var assigned = Sticky.Assign(partitionsPerTopic, subscriptions, owners);
        foreach (var (memberId, partitions) in assigned)
        {
            partitions.RemoveAll(p => owners.Contested.Contains(p)
                || (owners.Owners.TryGetValue(p, out var owner) && !string.Equals(owner, memberId, StringComparison.Ordinal)));
        }

        return Subscriptions.ToAssignments(subscriptions, assigned);
    }

    // Version 2+ subscriptions carry the generation; older ones leave it to the user data.
    private static (string, IReadOnlyList<TopicPartition>, int) Claim(MemberSubscription member) =>
        (member.MemberId, member.OwnedPartitions,
            member.GenerationId >= 0 ? member.GenerationId : StickyUserData.ReadGeneration(member.UserData));
}
