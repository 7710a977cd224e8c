using RxKafka.Protocol.Messages;

namespace RxKafka.Testing.Network;

// JoinGroup at any version 0-9, answered by the group's coordinator as Kafka's is: a new dynamic member first
// gets MEMBER_ID_REQUIRED with its id (v4+, KIP-394), a static member (v5+, KIP-345) takes over its instance's
// place, and a join is held until the join phase completes.
public sealed partial class ScriptedCluster
{
    private BrokerReply AnswerJoinGroup(int nodeId, ReceivedRequest received)
    {
        var (request, version) = ((JoinGroupRequest)received.Request, received.Version);
        lock (_gate)
        {
            var session = TimeSpan.FromMilliseconds(request.SessionTimeoutMs);
            var error = request.GroupId.Length == 0 ? ErrorCode.InvalidGroupId
                : session < _groupMinSessionTimeout || session > _groupMaxSessionTimeout ? ErrorCode.InvalidSessionTimeout
                : GroupRequestError(nodeId, request.GroupId);
            if (error != ErrorCode.None)
            {
                return BrokerReply.Respond(JoinError(version, request.MemberId, error));
            }

            var held = new ScriptedHeldReply(version);
            Join(request, received.Header.ClientId ?? "", held);
            return held.Answer is { } answer
                ? BrokerReply.Respond(answer)
                : new BrokerReply.DeferredReply((delay, write) => Attach(held, delay, write), TimeSpan.Zero);
        }
    }

    private void Attach(ScriptedHeldReply held, TimeSpan delay, Action<KafkaResponse> write)
    {
        lock (_gate)
        {
            held.Attach(_scheduler, delay, write);
        }
    }

    // A group is created by the first join without a member id; a member id names a member of an existing group.
    private void Join(JoinGroupRequest request, string clientId, ScriptedHeldReply held)
    {
        var version = held.Version;
        var newMember = request.MemberId.Length == 0;
        if (_consumerGroups.TryGetValue(request.GroupId, out var consumerGroup))
        {
            // A KIP-848 group with members takes no classic member (Kafka's mixed groups are not modelled); an empty
            // one becomes a classic group, keeping its offsets.
            if (consumerGroup.Members.Count > 0)
            {
                held.Complete(JoinError(version, "", ErrorCode.InconsistentGroupProtocol));
                return;
            }

            _consumerGroups.Remove(request.GroupId);
        }

        if (!_groups.TryGetValue(request.GroupId, out var group))
        {
            if (!newMember)
            {
                held.Complete(JoinError(version, request.MemberId, ErrorCode.UnknownMemberId));
                return;
            }

            group = _groups[request.GroupId] = new ScriptedClassicGroup(request.GroupId);
        }

        var protocols = request.Protocols.Select(p => p.Name).ToList();
        if (!group.SupportsProtocols(request.ProtocolType, protocols))
        {
            held.Complete(JoinError(version, newMember ? "" : request.MemberId, ErrorCode.InconsistentGroupProtocol));
        }
        else if (newMember)
        {
            JoinNewMember(group, request, clientId, held);
        }
        else if (group.PendingMembers.Contains(request.MemberId))
        {
            AddMemberLocked(group, request, request.MemberId, clientId, held);
        }
        else
        {
            JoinExistingMember(group, request, held);
        }
    }

    private void JoinNewMember(ScriptedClassicGroup group, JoinGroupRequest request, string clientId, ScriptedHeldReply held)
    {
        // Deterministic ids in Kafka's shape ({client id or instance id}-{unique}), numbered per group.
        var memberId = $"{request.GroupInstanceId ?? clientId}-{++group.MemberIdsIssued}";
        if (request.GroupInstanceId is { } instanceId)
        {
            if (group.StaticMember(instanceId) is { } previous)
            {
                ReplaceStaticMemberLocked(group, previous, memberId, request, held);
            }
            else
            {
                AddMemberLocked(group, request, memberId, clientId, held);
            }
        }
        else if (held.Version >= 4)
        {
            // The id must come back in a second JoinGroup within the session timeout, or it is forgotten.
            group.PendingMembers.Add(memberId);
            ScheduleSessionLocked(group, memberId, request.SessionTimeoutMs);
            held.Complete(JoinError(held.Version, memberId, ErrorCode.MemberIdRequired));
        }
        else
        {
            AddMemberLocked(group, request, memberId, clientId, held);
        }
    }

    private void AddMemberLocked(ScriptedClassicGroup group, JoinGroupRequest request, string memberId, string clientId, ScriptedHeldReply held)
    {
        var member = new ScriptedClassicMember(memberId, request.GroupInstanceId, clientId, request.ProtocolType) { IsNew = true, AwaitingJoin = held };
        Update(member, request, held.Version);
        if (group.State == ScriptedGroupState.PreparingRebalance && group.PreviousState == ScriptedGroupState.Empty)
        {
            group.NewMemberAdded = true;
        }

        group.Add(member);
        ScheduleSessionLocked(group, memberId, (int)NewMemberJoinTimeout.TotalMilliseconds);
        MaybePrepareRebalanceOrCompleteJoinLocked(group);
    }

    private void JoinExistingMember(ScriptedClassicGroup group, JoinGroupRequest request, ScriptedHeldReply held)
    {
        var version = held.Version;
        var error = ValidateMember(group, request.MemberId, request.GroupInstanceId);
        if (error != ErrorCode.None || group.State == ScriptedGroupState.Empty)
        {
            held.Complete(JoinError(version, request.MemberId, error == ErrorCode.None ? ErrorCode.UnknownMemberId : error));
            return;
        }

        var member = group.Member(request.MemberId)!;
        var unchanged = member.Matches(request.Protocols);
        if (group.State == ScriptedGroupState.CompletingRebalance && unchanged)
        {
            // The same join again (its answer was lost?): the current generation's answer.
            held.Complete(JoinAnswer(group, member, version, withMembers: group.IsLeader(member.MemberId)));
        }
        else if (group.State == ScriptedGroupState.Stable && unchanged && !group.IsLeader(member.MemberId))
        {
            // A follower with nothing new just learns the generation, and syncs.
            held.Complete(JoinAnswer(group, member, version, withMembers: false));
        }
        else
        {
            // Preparing: join the rebalance. Otherwise new metadata, or the leader (which may see topic changes
            // the others do not) asks for a rebalance.
            held.Replaced = member.AwaitingJoin;
            member.AwaitingJoin = held;
            Update(member, request, version);
            MaybePrepareRebalanceOrCompleteJoinLocked(group);
        }
    }

    // KIP-345: a static member that restarts takes its instance's place under a new member id; the old id is
    // fenced. A stable group whose protocol stays the same hands it the old assignment without a rebalance.
    private void ReplaceStaticMemberLocked(ScriptedClassicGroup group, ScriptedClassicMember member, string newMemberId, JoinGroupRequest request, ScriptedHeldReply held)
    {
        var oldMemberId = member.MemberId;
        var oldLeader = group.LeaderId;
        member.AwaitingJoin?.Complete(JoinError(member.AwaitingJoin.Version, oldMemberId, ErrorCode.FencedInstanceId));
        member.AwaitingSync?.Complete(SyncError(ErrorCode.FencedInstanceId));
        member.AwaitingSync = null;
        member.MemberId = newMemberId;
        if (group.SessionTimers.Remove(oldMemberId, out var oldTimer))
        {
            oldTimer.Cancel();
        }

        if (group.PendingSyncMembers.Remove(oldMemberId))
        {
            group.PendingSyncMembers.Add(newMemberId);
        }

        if (oldLeader == oldMemberId)
        {
            group.LeaderId = newMemberId;
        }

        ScheduleSessionLocked(group, newMemberId, member.SessionTimeoutMs);
        member.AwaitingJoin = held;
        Update(member, request, held.Version);
        switch (group.State)
        {
            case ScriptedGroupState.Stable when group.SelectProtocol() == group.ProtocolName:
                member.AwaitingJoin = null;
                var leads = group.IsLeader(newMemberId);
                held.Complete(held.Version >= 9
                    // KIP-814: a returning leader learns it leads, with the members, but must not reassign.
                    ? JoinAnswer(group, member, held.Version, withMembers: leads, skipAssignment: leads)
                    // Before v9 the old leader id keeps a returning leader from computing an assignment that a
                    // stable group would never hand out.
                    : JoinAnswer(group, member, held.Version, withMembers: false, leaderId: oldLeader));
                break;
            case ScriptedGroupState.Stable:
            case ScriptedGroupState.CompletingRebalance:
                // The leader may already be assigning to the old member id: start over.
                PrepareRebalanceLocked(group);
                break;
            default:
                MaybeCompleteJoinPhaseLocked(group);
                break;
        }
    }

    private static void Update(ScriptedClassicMember member, JoinGroupRequest request, short version)
    {
        member.Protocols = request.Protocols.Select(p => (p.Name, p.Metadata)).ToList();
        member.SessionTimeoutMs = request.SessionTimeoutMs;

        // v0 has no rebalance timeout: the session timeout is used for both.
        member.RebalanceTimeoutMs = version >= 1 && request.RebalanceTimeoutMs >= 0 ? request.RebalanceTimeoutMs : request.SessionTimeoutMs;
    }

    // Who a request says it is: a static member's instance must map to this member id (else it was replaced,
    // FENCED_INSTANCE_ID), and the member id must be in the group.
    private static ErrorCode ValidateMember(ScriptedClassicGroup group, string memberId, string? groupInstanceId)
    {
        if (groupInstanceId is not null)
        {
            var owner = group.StaticMember(groupInstanceId);
            if (owner is null)
            {
                return ErrorCode.UnknownMemberId;
            }

            if (owner.MemberId != memberId)
            {
                return ErrorCode.FencedInstanceId;
            }
        }

        return group.Member(memberId) is null ? ErrorCode.UnknownMemberId : ErrorCode.None;
    }
}
