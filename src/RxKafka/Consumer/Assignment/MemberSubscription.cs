namespace RxKafka.Consumer.Assignment;

/// <summary>
/// What one member of a classic consumer group told the coordinator in JoinGroup: the protocol metadata
/// (Kafka's ConsumerProtocolSubscription) decoded, with the member's identity from the JoinGroup response.
/// </summary>
/// <param name="MemberId">The member id the coordinator gave the member.</param>
/// <param name="GroupInstanceId">The static member's <c>group.instance.id</c> (KIP-345), or <see langword="null"/> for a dynamic member.</param>
/// <param name="Topics">The topics the member subscribes to.</param>
/// <param name="UserData">The assignor's user data (empty when the member sent none).</param>
/// <param name="OwnedPartitions">The partitions the member owns as it joins (version 1+; empty before, and always empty for eager members, which revoke everything first).</param>
/// <param name="GenerationId">The generation the owned partitions belong to (version 2+), or -1 when unknown.</param>
/// <param name="RackId">The member's <c>client.rack</c> (version 3+), or <see langword="null"/>.</param>
internal sealed record MemberSubscription(
    string MemberId,
    string? GroupInstanceId,
    IReadOnlyList<string> Topics,
    ReadOnlyMemory<byte> UserData,
    IReadOnlyList<TopicPartition> OwnedPartitions,
    int GenerationId,
    string? RackId)
{
    /// <summary>No generation: a member that never had an assignment, or one that wrote a version without the field.</summary>
    public const int NoGeneration = -1;

    /// <summary>A dynamic member subscribing to <paramref name="topics"/> with nothing owned and no user data.</summary>
    public static MemberSubscription Of(string memberId, params string[] topics) =>
        new(memberId, null, topics, ReadOnlyMemory<byte>.Empty, [], NoGeneration, null);
}

/// <summary>
/// What the group leader's assignor gave one member, sent to it in SyncGroup (Kafka's ConsumerProtocolAssignment).
/// </summary>
/// <param name="Partitions">The member's partitions, ordered by topic then partition.</param>
/// <param name="UserData">The assignor's user data for the member (empty when none).</param>
internal sealed record MemberAssignment(IReadOnlyList<TopicPartition> Partitions, ReadOnlyMemory<byte> UserData)
{
    /// <summary>No partitions and no user data: what a member gets when the leader gave it nothing.</summary>
    public static MemberAssignment Empty { get; } = new([], ReadOnlyMemory<byte>.Empty);
}
