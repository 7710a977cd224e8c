using RxKafka.Protocol.Messages;

namespace RxKafka.Testing.Network;

// The classic group state machine, as Kafka's group coordinator runs it (GroupMetadataManager, KIP-345, KIP-394):
// Empty → PreparingRebalance → CompletingRebalance → Stable, with the join phase completed when every member
// rejoined or the rebalance timeout passed, the initial rebalance delay, session expiry and the wait for
// SyncGroups. Every method runs under the cluster's lock; answers to held requests are written on the scheduler.
public sealed partial class ScriptedCluster
{
    private void MaybePrepareRebalanceOrCompleteJoinLocked(ScriptedClassicGroup group)
    {
        if (group.CanRebalance)
        {
            PrepareRebalanceLocked(group);
        }
        else
        {
            MaybeCompleteJoinPhaseLocked(group);
        }
    }

    // The initial rebalance of an empty group ends on its timer (more members may be on their way), not when
    // everyone known has joined.
    private void MaybeCompleteJoinPhaseLocked(ScriptedClassicGroup group)
    {
        if (group.State == ScriptedGroupState.PreparingRebalance && group.PreviousState != ScriptedGroupState.Empty && group.HasAllMembersJoined)
        {
            CompleteJoinLocked(group);
        }
    }

    private void PrepareRebalanceLocked(ScriptedClassicGroup group)
    {
        // Members waiting for their assignment must rejoin instead.
        if (group.State == ScriptedGroupState.CompletingRebalance)
        {
            group.Members.ForEach(m => m.Assignment = []);
            PropagateAssignmentLocked(group, ErrorCode.RebalanceInProgress);
        }

        group.SyncTimer.Cancel();
        group.PendingSyncMembers.Clear();
        var initial = group.State == ScriptedGroupState.Empty;
        group.TransitionTo(ScriptedGroupState.PreparingRebalance);
        if (initial)
        {
            var delay = (int)_groupInitialRebalanceDelay.TotalMilliseconds;
            ScheduleInitialRebalanceLocked(group, delay, Math.Max(group.RebalanceTimeoutMs - delay, 0));
        }
        else if (group.HasAllMembersJoined)
        {
            CompleteJoinLocked(group);
        }
        else
        {
            ScheduleJoinTimeoutLocked(group);
        }
    }

    private void ScheduleJoinTimeoutLocked(ScriptedClassicGroup group) =>
        group.JoinTimer.Schedule(_scheduler, _gate, TimeSpan.FromMilliseconds(group.RebalanceTimeoutMs), () => CompleteJoinLocked(group));

    // KIP-134: wait the delay; if a member joined meanwhile, wait again, never past the rebalance timeout.
    private void ScheduleInitialRebalanceLocked(ScriptedClassicGroup group, int delayMs, int remainingMs) =>
        group.JoinTimer.Schedule(_scheduler, _gate, TimeSpan.FromMilliseconds(delayMs), () =>
        {
            if (group.NewMemberAdded && remainingMs != 0)
            {
                group.NewMemberAdded = false;
                ScheduleInitialRebalanceLocked(group, Math.Min((int)_groupInitialRebalanceDelay.TotalMilliseconds, remainingMs), Math.Max(remainingMs - delayMs, 0));
            }
            else
            {
                CompleteJoinLocked(group);
            }
        });

    // The join phase ends: dynamic members that did not rejoin are gone (static ones stay until their session
    // ends), the leader is one that rejoined, and the next generation begins with the members' chosen protocol.
    private void CompleteJoinLocked(ScriptedClassicGroup group)
    {
        group.JoinTimer.Cancel();
        foreach (var laggard in group.Members.Where(m => m.AwaitingJoin is null && m.GroupInstanceId is null).ToList())
        {
            group.Remove(laggard.MemberId);
        }

        if (!ElectJoinedLeader(group) && !group.IsEmpty)
        {
            // Nobody rejoined: wait another rebalance timeout for sessions to remove the silent members.
            ScheduleJoinTimeoutLocked(group);
            return;
        }

        group.GenerationId++;
        group.PendingSyncMembers.Clear();
        if (group.IsEmpty)
        {
            group.ProtocolName = null;
            group.TransitionTo(ScriptedGroupState.Empty);
            return;
        }

        group.ProtocolName = group.SelectProtocol();
        group.TransitionTo(ScriptedGroupState.CompletingRebalance);
        foreach (var member in group.Members)
        {
            if (member.AwaitingJoin is { } held)
            {
                held.Complete(JoinAnswer(group, member, held.Version, withMembers: group.IsLeader(member.MemberId)));
                member.AwaitingJoin = null;
            }

            ScheduleSessionLocked(group, member.MemberId, member.SessionTimeoutMs);
            member.IsNew = false;
            group.PendingSyncMembers.Add(member.MemberId);
        }

        var generation = group.GenerationId;
        group.SyncTimer.Schedule(_scheduler, _gate, TimeSpan.FromMilliseconds(group.RebalanceTimeoutMs), () => ExpirePendingSyncLocked(group, generation));
    }

    // Keeps the leader if it rejoined, else makes the first member that rejoined the leader; false when none did.
    private static bool ElectJoinedLeader(ScriptedClassicGroup group)
    {
        if (group.LeaderId is not { } leaderId)
        {
            return false;
        }

        if (group.Member(leaderId)?.AwaitingJoin is not null)
        {
            return true;
        }

        var joined = group.Members.Find(m => m.AwaitingJoin is not null);
        if (joined is null)
        {
            return false;
        }

        group.LeaderId = joined.MemberId;
        return true;
    }

    // Members that got their join answer but never sent SyncGroup within the rebalance timeout are removed.
    private void ExpirePendingSyncLocked(ScriptedClassicGroup group, int generation)
    {
        if (generation != group.GenerationId || group.State is not (ScriptedGroupState.CompletingRebalance or ScriptedGroupState.Stable) || group.PendingSyncMembers.Count == 0)
        {
            return;
        }

        foreach (var memberId in group.PendingSyncMembers.ToList())
        {
            group.Remove(memberId);
        }

        PrepareRebalanceLocked(group);
    }

    // Hands every held SyncGroup its member's assignment (or the error), and restarts its session from now.
    private void PropagateAssignmentLocked(ScriptedClassicGroup group, ErrorCode error)
    {
        foreach (var member in group.Members)
        {
            if (member.AwaitingSync is { } held)
            {
                held.Complete(error == ErrorCode.None ? SyncAnswer(group, member) : SyncError(error));
                member.AwaitingSync = null;
                ScheduleSessionLocked(group, member.MemberId, member.SessionTimeoutMs);
            }
        }
    }

    private void ScheduleSessionLocked(ScriptedClassicGroup group, string memberId, int timeoutMs)
    {
        var timer = group.SessionTimers.TryGetValue(memberId, out var held) ? held : group.SessionTimers[memberId] = new ScriptedTimer();
        timer.Schedule(_scheduler, _gate, TimeSpan.FromMilliseconds(timeoutMs), () => ExpireSessionLocked(group, memberId));
    }

    private void ExpireSessionLocked(ScriptedClassicGroup group, string memberId)
    {
        if (group.PendingMembers.Contains(memberId))
        {
            RemovePendingMemberLocked(group, memberId);
        }
        else if (group.Member(memberId) is { HasSatisfiedHeartbeat: false } member)
        {
            RemoveMemberLocked(group, member);
        }
    }

    private void RemovePendingMemberLocked(ScriptedClassicGroup group, string memberId)
    {
        group.Remove(memberId);
        if (group.State == ScriptedGroupState.PreparingRebalance && group.HasAllMembersJoined)
        {
            CompleteJoinLocked(group);
        }
    }

    // A member leaves (session expiry, LeaveGroup, a test's ExpireMember): a held JoinGroup learns it is unknown
    // (so a live client rejoins), and the group rebalances without it.
    private void RemoveMemberLocked(ScriptedClassicGroup group, ScriptedClassicMember member)
    {
        ForgetMember(group, member);
        if (group.State is ScriptedGroupState.Stable or ScriptedGroupState.CompletingRebalance)
        {
            MaybePrepareRebalanceOrCompleteJoinLocked(group);
        }
        else if (group.State == ScriptedGroupState.PreparingRebalance && group.HasAllMembersJoined)
        {
            CompleteJoinLocked(group);
        }
    }

    // The join answer of the current generation; only the leader gets the members and their metadata.
    private static JoinGroupResponse JoinAnswer(ScriptedClassicGroup group, ScriptedClassicMember member, short version, bool withMembers, string? leaderId = null, bool skipAssignment = false) => new()
    {
        MemberId = member.MemberId,
        GenerationId = group.GenerationId,
        ProtocolType = group.ProtocolType,
        ProtocolName = ProtocolNameAt(version, group.ProtocolName),
        Leader = leaderId ?? group.LeaderId ?? "",
        SkipAssignment = skipAssignment,
        Members = withMembers
            ? group.Members.Select(m => new JoinGroupResponse.JoinGroupResponseMember { MemberId = m.MemberId, GroupInstanceId = m.GroupInstanceId, Metadata = m.Metadata(group.ProtocolName) }).ToList()
            : [],
    };

    private static JoinGroupResponse JoinError(short version, string memberId, ErrorCode error) => new()
    {
        ErrorCode = (short)error,
        MemberId = memberId,
        GenerationId = -1,
        ProtocolName = ProtocolNameAt(version, null),
        Leader = "",
    };

    // Before v7 the protocol name cannot be null: none is the empty string.
    private static string? ProtocolNameAt(short version, string? name) => version >= 7 ? name : name ?? "";

    private static SyncGroupResponse SyncAnswer(ScriptedClassicGroup group, ScriptedClassicMember member) => new()
    {
        ProtocolType = group.ProtocolType,
        ProtocolName = group.ProtocolName,
        Assignment = member.Assignment,
    };

    private static SyncGroupResponse SyncError(ErrorCode error) => new() { ErrorCode = (short)error, Assignment = [] };
}
