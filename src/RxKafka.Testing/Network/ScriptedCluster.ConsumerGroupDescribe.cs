using RxKafka.Protocol.Messages;

namespace RxKafka.Testing.Network;

// ConsumerGroupDescribe v0 (KIP-848): each consumer group's state, epochs, assignor and members with their
// assignments and targets, as its coordinator knows them. A classic group or an unknown id is GROUP_ID_NOT_FOUND.
public sealed partial class ScriptedCluster
{
    private ConsumerGroupDescribeResponse AnswerConsumerGroupDescribe(int nodeId, ConsumerGroupDescribeRequest request)
    {
        lock (_gate)
        {
            return new ConsumerGroupDescribeResponse { Groups = request.GroupIds.Select(id => DescribeConsumerGroupLocked(nodeId, id)).ToList() };
        }
    }

    private ConsumerGroupDescribeResponse.DescribedGroup DescribeConsumerGroupLocked(int nodeId, string groupId)
    {
        var error = GroupRequestError(nodeId, groupId);
        if (error != ErrorCode.None)
        {
            return new ConsumerGroupDescribeResponse.DescribedGroup { GroupId = groupId, ErrorCode = (short)error };
        }

        if (!_consumerGroups.TryGetValue(groupId, out var group))
        {
            var why = _groups.ContainsKey(groupId) ? $"Group {groupId} is not a consumer group." : $"Group {groupId} not found.";
            return new ConsumerGroupDescribeResponse.DescribedGroup { GroupId = groupId, ErrorCode = (short)ErrorCode.GroupIdNotFound, ErrorMessage = why };
        }

        var names = _topics.Values.ToDictionary(t => t.TopicId, t => t.Name);
        ConsumerGroupDescribeResponse.Assignment Assignment(IReadOnlySet<GroupPartition> partitions) => new()
        {
            TopicPartitions = partitions.GroupBy(p => p.TopicId).OrderBy(t => t.Key)
                .Select(t => new ConsumerGroupDescribeResponse.TopicPartitions
                {
                    TopicId = t.Key,
                    TopicName = names.GetValueOrDefault(t.Key, ""),
                    Partitions = t.Select(p => p.Partition).Order().ToList(),
                })
                .ToList(),
        };
        return new ConsumerGroupDescribeResponse.DescribedGroup
        {
            GroupId = groupId,
            GroupState = group.State.ToString(),
            GroupEpoch = group.GroupEpoch,
            AssignmentEpoch = group.AssignmentEpoch,
            AssignorName = PreferredAssignor(group),
            Members = group.Members.Select(m => new ConsumerGroupDescribeResponse.Member
            {
                MemberId = m.MemberId,
                InstanceId = m.InstanceId,
                RackId = m.RackId,
                MemberEpoch = m.MemberEpoch,
                ClientId = m.ClientId,
                ClientHost = ClientHost,
                SubscribedTopicNames = m.SubscribedTopicNames.Order(StringComparer.Ordinal).ToList(),
                SubscribedTopicRegex = m.HasRegex ? m.SubscribedTopicRegex : null,
                Assignment = Assignment(m.Assigned),
                TargetAssignment = Assignment(group.Target(m.MemberId)),
            }).ToList(),
        };
    }
}
