namespace RxKafka.Consumer.Assignment;

/// <summary>
/// What a new assignment changes for one member: the partitions it gains and those it loses. Under the cooperative
/// protocol a member that loses partitions revokes them and rejoins at once, so the group can give them to their new
/// owners (KIP-429); under the eager protocol everything was revoked before joining and everything new is gained.
/// </summary>
/// <param name="Assigned">Partitions in the new assignment and not in the old, ordered by topic then partition.</param>
/// <param name="Revoked">Partitions in the old assignment and not in the new, ordered by topic then partition.</param>
internal sealed record AssignmentChange(IReadOnlyList<TopicPartition> Assigned, IReadOnlyList<TopicPartition> Revoked)
{
    /// <summary>Whether the member must rejoin after revoking (cooperative protocol: it gave partitions up).</summary>
    public bool MustRejoin => Revoked.Count > 0;

    /// <summary>The change from <paramref name="previous"/> to <paramref name="next"/> for one member.</summary>
    public static AssignmentChange Between(IEnumerable<TopicPartition> previous, IEnumerable<TopicPartition> next)
    {
        ArgumentNullException.ThrowIfNull(previous);
        ArgumentNullException.ThrowIfNull(next);
        var before = previous.ToHashSet();
        var after = next.ToHashSet();
        return new AssignmentChange(
            [.. after.Where(p => !before.Contains(p)).Order(PartitionOrder.Instance)],
            [.. before.Where(p => !after.Contains(p)).Order(PartitionOrder.Instance)]);
    }
}
