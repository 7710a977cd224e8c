using RxKafka.Protocol.Messages;

namespace RxKafka.Testing.Network;

// DeleteGroups at any version 0-2: an empty group is deleted with its committed offsets (it is Dead, and
// unknown from then on), a KIP-848 group too; a group with members is NON_EMPTY_GROUP, an unknown one GROUP_ID_NOT_FOUND.
public sealed partial class ScriptedCluster
{
    private DeleteGroupsResponse AnswerDeleteGroups(int nodeId, DeleteGroupsRequest request)
    {
        lock (_gate)
        {
            return new DeleteGroupsResponse
            {
                Results = request.GroupsNames.Select(id => new DeleteGroupsResponse.DeletableGroupResult { GroupId = id, ErrorCode = (short)DeleteGroupLocked(nodeId, id) }).ToList(),
            };
        }
    }

    private ErrorCode DeleteGroupLocked(int nodeId, string groupId)
    {
        var error = GroupRequestError(nodeId, groupId);
        if (error != ErrorCode.None)
        {
            return error;
        }

        if (_consumerGroups.TryGetValue(groupId, out var consumerGroup))
        {
            if (consumerGroup.Members.Count > 0)
            {
                return ErrorCode.NonEmptyGroup;
            }

            _consumerGroups.Remove(groupId);
            _offsets.Remove(groupId);
            return ErrorCode.None;
        }

        if (!_groups.TryGetValue(groupId, out var group))
        {
            return ErrorCode.GroupIdNotFound;
        }

        if (group.State != ScriptedGroupState.Empty)
        {
            return ErrorCode.NonEmptyGroup;
        }

        // Member ids handed out with MEMBER_ID_REQUIRED die with the group.
        foreach (var timer in group.SessionTimers.Values)
        {
            timer.Cancel();
        }

        group.JoinTimer.Cancel();
        group.SyncTimer.Cancel();
        group.TransitionTo(ScriptedGroupState.Dead);
        _groups.Remove(groupId);
        _offsets.Remove(groupId);
        return ErrorCode.None;
    }
}
