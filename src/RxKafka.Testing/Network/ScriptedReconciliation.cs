namespace RxKafka.Testing.Network;

// KIP-848's reconciliation of one member towards its target assignment (Kafka's CurrentAssignmentBuilder): the
// member first revokes what it no longer gets, staying at its epoch until its heartbeat stops listing those
// partitions; then it moves to the target epoch and gets its new partitions, but only those no other member still
// owns (the rest come at a later heartbeat, once released).
internal static class ScriptedReconciliation
{
    // Moves the member on if it can; says whether anything about it changed. owned is what the heartbeat listed
    // (null: a light heartbeat that did not say, which counts as still owning everything).
    public static bool Reconcile(ScriptedConsumerGroup group, ScriptedConsumerMember member, int targetEpoch, IReadOnlySet<GroupPartition> target, IReadOnlySet<GroupPartition>? owned)
    {
        if (member.IsReconciledTo(targetEpoch))
        {
            return false;
        }

        var before = (member.State, member.MemberEpoch, member.PreviousMemberEpoch, member.Assigned, member.PendingRevocation);
        switch (member.State)
        {
            case ScriptedConsumerMemberState.Stable:
                Next(group, member, member.MemberEpoch, targetEpoch, target, owned);
                break;
            case ScriptedConsumerMemberState.UnrevokedPartitions when !OwnsAny(owned, member.PendingRevocation):
                Next(group, member, member.MemberEpoch + 1, targetEpoch, target, owned);
                break;
            case ScriptedConsumerMemberState.UnreleasedPartitions:
                Next(group, member, member.MemberEpoch, targetEpoch, target, owned);
                break;
        }

        return before.State != member.State
            || before.MemberEpoch != member.MemberEpoch
            || before.PreviousMemberEpoch != member.PreviousMemberEpoch
            || !before.Assigned.SetEquals(member.Assigned)
            || !before.PendingRevocation.SetEquals(member.PendingRevocation);
    }

    private static void Next(ScriptedConsumerGroup group, ScriptedConsumerMember member, int memberEpoch, int targetEpoch, IReadOnlySet<GroupPartition> target, IReadOnlySet<GroupPartition>? owned)
    {
        var kept = member.Assigned.Where(target.Contains).ToHashSet();
        var revoke = member.Assigned.Where(p => !kept.Contains(p)).ToHashSet();
        var incoming = target.Where(p => !kept.Contains(p)).ToList();
        var free = incoming.Where(p => group.OwnerEpoch(p) == -1).ToHashSet();
        var unreleased = free.Count < incoming.Count;

        if (revoke.Count > 0 && OwnsAny(owned, revoke))
        {
            // Revoke first: the member keeps its epoch and gets nothing new until it has let go.
            Move(member, memberEpoch, ScriptedConsumerMemberState.UnrevokedPartitions, kept, revoke);
            return;
        }

        kept.UnionWith(free);
        var state = unreleased ? ScriptedConsumerMemberState.UnreleasedPartitions : ScriptedConsumerMemberState.Stable;
        Move(member, targetEpoch, state, kept, GroupPartition.None);
    }

    private static void Move(ScriptedConsumerMember member, int epoch, ScriptedConsumerMemberState state, IReadOnlySet<GroupPartition> assigned, IReadOnlySet<GroupPartition> pendingRevocation)
    {
        (member.PreviousMemberEpoch, member.MemberEpoch) = (member.MemberEpoch, epoch);
        (member.State, member.Assigned, member.PendingRevocation) = (state, assigned, pendingRevocation);
    }

    private static bool OwnsAny(IReadOnlySet<GroupPartition>? owned, IReadOnlySet<GroupPartition> partitions) =>
        owned is null || owned.Overlaps(partitions);
}
