using RxKafka.Protocol.Messages;

namespace RxKafka.Testing.Network;

// Heartbeat at any version 0-4: a member of the current generation keeps its session alive; while the group
// prepares a rebalance the answer is REBALANCE_IN_PROGRESS, which tells the member to rejoin.
public sealed partial class ScriptedCluster
{
    private HeartbeatResponse AnswerHeartbeat(int nodeId, HeartbeatRequest request, short version)
    {
        lock (_gate)
        {
            var error = GroupRequestError(nodeId, request.GroupId);
            if (error == ErrorCode.None)
            {
                error = Heartbeat(request, version);
            }

            return new HeartbeatResponse { ErrorCode = (short)error };
        }
    }

    private ErrorCode Heartbeat(HeartbeatRequest request, short version)
    {
        if (!_groups.TryGetValue(request.GroupId, out var group))
        {
            return ErrorCode.UnknownMemberId;
        }

        var error = ValidateMember(group, request.MemberId, version >= 3 ? request.GroupInstanceId : null);
        if (error != ErrorCode.None)
        {
            return error;
        }

        if (request.GenerationId != group.GenerationId)
        {
            return ErrorCode.IllegalGeneration;
        }

        if (group.State == ScriptedGroupState.Empty)
        {
            return ErrorCode.UnknownMemberId;
        }

        // Members heartbeat while they wait for a rebalance too: every state but Empty resets the session.
        var member = group.Member(request.MemberId)!;
        ScheduleSessionLocked(group, member.MemberId, member.SessionTimeoutMs);
        return group.State == ScriptedGroupState.PreparingRebalance ? ErrorCode.RebalanceInProgress : ErrorCode.None;
    }
}
