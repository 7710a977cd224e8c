namespace RxKafka.Consumer.Assignment;

/// <summary>
/// The eager sticky assignor (<c>sticky</c>, Java's StickyAssignor, KIP-54): balanced, and each partition stays
/// with its previous owner where balance allows (<see cref="StickyBalancer"/>). Eager members revoke everything
/// before they join, so their subscriptions own nothing: what each member had comes from its user data (the
/// previous assignment and its generation, <see cref="StickyUserData"/>), as in Java and librdkafka.
/// </summary>
internal sealed class StickyAssignor : IPartitionAssignor
{
    /// <inheritdoc/>
    public string Name => "sticky";

    /// <inheritdoc/>
    public RebalanceProtocol Protocol => RebalanceProtocol.Eager;

    /// <inheritdoc/>
    /// <remarks>Nothing before the member's first assignment; then that assignment and its generation.</remarks>
    public ReadOnlyMemory<byte> SubscriptionUserData(IReadOnlyList<TopicPartition> currentAssignment, int generationId)
    {
        ArgumentNullException.ThrowIfNull(currentAssignment);
        return generationId < 0 && currentAssignment.Count == 0
            ? ReadOnlyMemory<byte>.Empty
            : StickyUserData.WritePreviousAssignment(currentAssignment, generationId);
    }

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, MemberAssignment> Assign(
        IReadOnlyDictionary<string, int> partitionsPerTopic, IReadOnlyDictionary<string, MemberSubscription> subscriptions)
    {
        Subscriptions.Check(partitionsPerTopic, subscriptions);
        var owners = new PreviousOwners(subscriptions.Values.Select(Claim), partitionsPerTopic);
        return Subscriptions.ToAssignments(subscriptions, Sticky.Assign(partitionsPerTopic, subscriptions, owners));
    }

    private static (string, IReadOnlyList<TopicPartition>, int) Claim(MemberSubscription member) =>
        StickyUserData.TryReadPreviousAssignment(member.UserData, out var previous, out var generation)
            ? (member.MemberId, previous, generation)
            : (member.MemberId, [], MemberSubscription.NoGeneration);
}
