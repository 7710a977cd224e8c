using RxKafka.Protocol.Messages;

namespace RxKafka.Testing.Network;

// LeaveGroup at any version 0-5: one member by id (v0-2) or a batch (v3+, KIP-345), where a static member may
// be named by its group.instance.id alone (how an operator removes one). The group rebalances without them.
public sealed partial class ScriptedCluster
{
    private LeaveGroupResponse AnswerLeaveGroup(int nodeId, LeaveGroupRequest request, short version)
    {
        lock (_gate)
        {
            var error = GroupRequestError(nodeId, request.GroupId);
            if (error == ErrorCode.None && !_groups.ContainsKey(request.GroupId))
            {
                error = ErrorCode.UnknownMemberId;
            }

            if (error != ErrorCode.None)
            {
                return new LeaveGroupResponse { ErrorCode = (short)error };
            }

            var group = _groups[request.GroupId];
            var leaving = version >= 3 ? request.Members : [new LeaveGroupRequest.MemberIdentity { MemberId = request.MemberId }];
            var answers = leaving.Select(m => new LeaveGroupResponse.MemberResponse
            {
                MemberId = m.MemberId,
                GroupInstanceId = m.GroupInstanceId,
                ErrorCode = (short)Leave(group, m.MemberId, m.GroupInstanceId),
            }).ToList();
            if (answers.Exists(a => a.ErrorCode == 0))
            {
                if (group.State is ScriptedGroupState.Stable or ScriptedGroupState.CompletingRebalance)
                {
                    MaybePrepareRebalanceOrCompleteJoinLocked(group);
                }
                else
                {
                    MaybeCompleteJoinPhaseLocked(group);
                }
            }

            // v0-2 name one member: its error is the response's.
            return version >= 3
                ? new LeaveGroupResponse { Members = answers }
                : new LeaveGroupResponse { ErrorCode = answers[0].ErrorCode };
        }
    }

    // Removes one member, or says why not; the rebalance waits until every member of the request is handled.
    private ErrorCode Leave(ScriptedClassicGroup group, string memberId, string? groupInstanceId)
    {
        if (memberId.Length == 0)
        {
            if (groupInstanceId is null || group.StaticMember(groupInstanceId) is not { } named)
            {
                return ErrorCode.UnknownMemberId;
            }

            ForgetMember(group, named);
            return ErrorCode.None;
        }

        if (group.PendingMembers.Remove(memberId))
        {
            group.Remove(memberId);
            return ErrorCode.None;
        }

        var error = ValidateMember(group, memberId, groupInstanceId);
        if (error == ErrorCode.None)
        {
            ForgetMember(group, group.Member(memberId)!);
        }

        return error;
    }

    private static void ForgetMember(ScriptedClassicGroup group, ScriptedClassicMember member)
    {
        member.AwaitingJoin?.Complete(JoinError(member.AwaitingJoin.Version, "", ErrorCode.UnknownMemberId));
        member.AwaitingSync?.Complete(SyncError(ErrorCode.UnknownMemberId));
        (member.AwaitingJoin, member.AwaitingSync) = (null, null);
        group.Remove(member.MemberId);
    }
}
