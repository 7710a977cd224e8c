using RxKafka.Protocol.Messages;

namespace RxKafka.Testing.Network;

// DescribeGroups at any version 0-5: each group's state, protocol and members as its coordinator knows them.
public sealed partial class ScriptedCluster
{
    private DescribeGroupsResponse AnswerDescribeGroups(int nodeId, DescribeGroupsRequest request, short version)
    {
        lock (_gate)
        {
            return new DescribeGroupsResponse { Groups = request.Groups.Select(id => DescribeGroupLocked(nodeId, id, version)).ToList() };
        }
    }

    // A group the coordinator does not know is Dead, with no error (GROUP_ID_NOT_FOUND came with v6). Member
    // metadata and assignments are only shown in a stable group, where they are the generation's.
    private DescribeGroupsResponse.DescribedGroup DescribeGroupLocked(int nodeId, string groupId, short version)
    {
        var error = GroupRequestError(nodeId, groupId);
        if (error != ErrorCode.None)
        {
            return new DescribeGroupsResponse.DescribedGroup { GroupId = groupId, ErrorCode = (short)error };
        }

        if (!_groups.TryGetValue(groupId, out var group))
        {
            return new DescribeGroupsResponse.DescribedGroup { GroupId = groupId, GroupState = nameof(ScriptedGroupState.Dead) };
        }

        var stable = group.State == ScriptedGroupState.Stable;
        return new DescribeGroupsResponse.DescribedGroup
        {
            GroupId = groupId,
            GroupState = group.State.ToString(),
            ProtocolType = group.ProtocolType ?? "",
            ProtocolData = stable ? group.ProtocolName ?? "" : "",
            Members = group.Members.Select(m => new DescribeGroupsResponse.DescribedGroupMember
            {
                MemberId = m.MemberId,
                GroupInstanceId = version >= 4 ? m.GroupInstanceId : null,
                ClientId = m.ClientId,
                ClientHost = ClientHost,
                MemberMetadata = stable ? m.Metadata(group.ProtocolName) : [],
                MemberAssignment = stable ? m.Assignment : [],
            }).ToList(),
        };
    }
}
