using System.Text.RegularExpressions;
using RxKafka.Cluster;
using RxKafka.Protocol.Messages;

namespace RxKafka.Testing.Network;

// ConsumerGroupHeartbeat v0-v1 (KIP-848), answered as Kafka 4.x's group coordinator answers it
// (GroupCoordinatorService, GroupMetadataManager): the request is validated first, then the member joins (epoch 0),
// heartbeats or leaves (-1; -2 for a static member that will be back). Nothing changes before every check passed.
public sealed partial class ScriptedCluster
{
    private const int LeaveGroupMemberEpoch = -1;
    private const int LeaveGroupStaticMemberEpoch = -2;

    private ConsumerGroupHeartbeatResponse AnswerConsumerGroupHeartbeat(int nodeId, ConsumerGroupHeartbeatRequest request, short version, string clientId)
    {
        var invalid = InvalidHeartbeat(request, version);
        if (invalid is not null)
        {
            return HeartbeatError(invalid);
        }

        lock (_gate)
        {
            if (Coordinator(CoordinatorType.Group, request.GroupId) != nodeId)
            {
                return HeartbeatError(new ConsumerGroupError(ErrorCode.NotCoordinator, $"Broker {nodeId} is not the coordinator of group {request.GroupId}."));
            }

            try
            {
                return request.MemberEpoch is LeaveGroupMemberEpoch or LeaveGroupStaticMemberEpoch
                    ? LeaveConsumerGroupLocked(request)
                    : ConsumerGroupHeartbeatLocked(request, clientId);
            }
            catch (ConsumerGroupError error)
            {
                return HeartbeatError(error);
            }
        }
    }

    // Kafka's throwIfConsumerGroupHeartbeatRequestIsInvalid, in its order. From v1 (KIP-1082) the member names itself.
    private static ConsumerGroupError? InvalidHeartbeat(ConsumerGroupHeartbeatRequest request, short version)
    {
        static ConsumerGroupError Invalid(string message) => new(ErrorCode.InvalidRequest, message);
        if ((version >= 1 || request.MemberEpoch > 0 || request.MemberEpoch == LeaveGroupMemberEpoch) && IsBlank(request.MemberId))
        {
            return Invalid("MemberId can't be empty.");
        }

        if (IsBlank(request.GroupId))
        {
            return Invalid("GroupId can't be empty.");
        }

        if (request.InstanceId is not null && IsBlank(request.InstanceId))
        {
            return Invalid("InstanceId can't be empty.");
        }

        if (request.RackId is not null && IsBlank(request.RackId))
        {
            return Invalid("RackId can't be empty.");
        }

        if (request.MemberEpoch == 0)
        {
            if (request.RebalanceTimeoutMs == -1)
            {
                return Invalid("RebalanceTimeoutMs must be provided in first request.");
            }

            if (request.TopicPartitions is not { Count: 0 })
            {
                return Invalid("TopicPartitions must be empty when (re-)joining.");
            }

            if (request.SubscribedTopicNames is null && request.SubscribedTopicRegex is null)
            {
                return Invalid("Either SubscribedTopicNames or SubscribedTopicRegex must be non-null when (re-)joining.");
            }
        }
        else if (request.MemberEpoch == LeaveGroupStaticMemberEpoch && request.InstanceId is null)
        {
            return Invalid("InstanceId can't be null.");
        }
        else if (request.MemberEpoch < LeaveGroupStaticMemberEpoch)
        {
            return Invalid("MemberEpoch is invalid.");
        }

        if (request.ServerAssignor is { } assignor && !ScriptedServerAssignors.Names.Contains(assignor))
        {
            return new ConsumerGroupError(ErrorCode.UnsupportedAssignor, $"ServerAssignor {assignor} is not supported. Supported assignors: {string.Join(", ", ScriptedServerAssignors.Names)}.");
        }

        return null;
    }

    // A join (epoch 0) or a heartbeat: find or create the group and the member (every check), then update the member,
    // bump the group epoch if the subscriptions changed, compute a new target assignment if the epoch moved, and
    // reconcile the member towards its target.
    private ConsumerGroupHeartbeatResponse ConsumerGroupHeartbeatLocked(ConsumerGroupHeartbeatRequest request, string clientId)
    {
        var joining = request.MemberEpoch == 0;
        var group = ConsumerGroupToJoin(request.GroupId, joining);
        var memberId = request.MemberId.Length > 0 ? request.MemberId : NewConsumerMemberId(group);
        var owned = request.TopicPartitions?.SelectMany(t => t.Partitions.Select(p => new GroupPartition(t.TopicId, p))).ToHashSet();
        var (member, replaced) = request.InstanceId is null
            ? (DynamicMember(group, memberId, request.MemberEpoch, owned, joining), null)
            : StaticMember(group, memberId, request.MemberEpoch, request.InstanceId, owned, joining);
        if (!string.IsNullOrEmpty(request.SubscribedTopicRegex) && request.SubscribedTopicRegex != member.SubscribedTopicRegex)
        {
            TopicRegex(request.SubscribedTopicRegex);
        }

        // Every check passed: from here on the group changes.
        _consumerGroups[group.GroupId] = group;
        _groups.Remove(group.GroupId); // an empty classic group (offsets only) becomes this one
        if (replaced is not null)
        {
            ReplaceStaticMember(group, replaced, memberId);
        }
        else if (!group.Members.Contains(member))
        {
            group.Members.Add(member);
        }

        var before = (Names: member.SubscribedTopicNames, Topics: ResolvedTopics(member), Assigned: member.Assigned);
        UpdateMember(member, request, clientId);
        var bump = group.GroupEpoch == 0
            || !member.SubscribedTopicNames.SetEquals(before.Names)
            || !ResolvedTopics(member).SetEquals(before.Topics);
        var metadata = SubscriptionMetadata(group);
        if (bump || !metadata.SequenceEqual(group.SubscriptionMetadata))
        {
            group.SubscriptionMetadata = metadata;
            group.GroupEpoch++;
        }

        if (group.GroupEpoch > group.AssignmentEpoch)
        {
            ComputeTargetAssignment(group);
        }

        if (ScriptedReconciliation.Reconcile(group, member, group.AssignmentEpoch, group.Target(member.MemberId), owned))
        {
            ScheduleRebalanceTimeoutLocked(group, member);
        }

        ScheduleConsumerSessionLocked(group, member);

        // A full request (a join, or one carrying the rebalance timeout, the subscription and the owned partitions)
        // always gets the assignment; any other only when it changed.
        var full = joining || (request.RebalanceTimeoutMs != -1 && request.SubscribedTopicNames is not null && request.TopicPartitions is not null);
        return new ConsumerGroupHeartbeatResponse
        {
            MemberId = member.MemberId,
            MemberEpoch = member.MemberEpoch,
            HeartbeatIntervalMs = (int)_consumerGroupHeartbeatInterval.TotalMilliseconds,
            Assignment = full || !before.Assigned.SetEquals(member.Assigned) ? AssignmentOf(member) : null,
        };
    }

    // The group a heartbeat goes to; a join creates it, replacing an empty classic group of the same id (one that
    // holds only offsets). A classic group with members is not converted (Kafka's online upgrade is not modelled).
    private ScriptedConsumerGroup ConsumerGroupToJoin(string groupId, bool joining)
    {
        if (_consumerGroups.TryGetValue(groupId, out var group))
        {
            return group;
        }

        if (_groups.TryGetValue(groupId, out var classic) && (!joining || !classic.IsEmpty))
        {
            throw new ConsumerGroupError(ErrorCode.GroupIdNotFound, $"Group {groupId} is a classic group with members, not a consumer group; the scripted cluster does not upgrade it.");
        }

        return joining
            ? new ScriptedConsumerGroup(groupId)
            : throw new ConsumerGroupError(ErrorCode.GroupIdNotFound, $"Consumer group {groupId} not found.");
    }

    // Kafka's member ids are random UUIDs; these are UUID-shaped too (22 characters of URL-safe base64) but numbered,
    // so the same script gives the same ids.
    private static string NewConsumerMemberId(ScriptedConsumerGroup group)
    {
        Span<byte> bytes = stackalloc byte[16];
        System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(bytes, ++group.MemberIdsIssued);
        System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(bytes[8..], string.GetHashCode(group.GroupId, StringComparison.Ordinal) & 0x7FFFFFFF);
        return Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    private static ScriptedConsumerMember DynamicMember(ScriptedConsumerGroup group, string memberId, int epoch, IReadOnlySet<GroupPartition>? owned, bool joining)
    {
        var member = group.Member(memberId) ?? (joining
            ? new ScriptedConsumerMember(memberId)
            : throw new ConsumerGroupError(ErrorCode.UnknownMemberId, $"Member {memberId} is not a member of group {group.GroupId}."));
        CheckMemberEpoch(member, epoch, owned);
        return member;
    }

    // A static member joining takes the place of its instance's previous member only if that one left with epoch -2;
    // a heartbeat must come from the member that holds the instance id.
    private static (ScriptedConsumerMember Member, ScriptedConsumerMember? Replaced) StaticMember(
        ScriptedConsumerGroup group, string memberId, int epoch, string instanceId, IReadOnlySet<GroupPartition>? owned, bool joining)
    {
        var holder = group.StaticMember(instanceId);
        if (joining)
        {
            if (holder is null)
            {
                return (group.Member(memberId) ?? new ScriptedConsumerMember(memberId), null);
            }

            if (holder.MemberEpoch != LeaveGroupStaticMemberEpoch)
            {
                throw new ConsumerGroupError(ErrorCode.UnreleasedInstanceId, $"Static member {memberId} with instance id {instanceId} cannot join the group because the instance id is owned by {holder.MemberId} member.");
            }

            return (holder, holder);
        }

        CheckStaticHolder(holder, group.GroupId, memberId, instanceId);
        CheckMemberEpoch(holder!, epoch, owned);
        return (holder!, null);
    }

    private static void CheckStaticHolder(ScriptedConsumerMember? holder, string groupId, string memberId, string instanceId)
    {
        if (holder is null)
        {
            throw new ConsumerGroupError(ErrorCode.UnknownMemberId, $"Instance id {instanceId} is unknown.");
        }

        if (holder.MemberId != memberId)
        {
            throw new ConsumerGroupError(ErrorCode.FencedInstanceId, $"Static member {memberId} with instance id {instanceId} was fenced by member {holder.MemberId} of group {groupId}.");
        }
    }

    // The member's epoch or, when the answer that moved it on may have been lost, its previous one with owned
    // partitions that it still has; anything else is fenced.
    private static void CheckMemberEpoch(ScriptedConsumerMember member, int received, IReadOnlySet<GroupPartition>? owned)
    {
        if (received > member.MemberEpoch
            || (received < member.MemberEpoch && (received != member.PreviousMemberEpoch || owned is null || !owned.IsSubsetOf(member.Assigned))))
        {
            var relation = received > member.MemberEpoch ? "greater" : "smaller";
            throw new ConsumerGroupError(ErrorCode.FencedMemberEpoch, $"The consumer group member has a {relation} member epoch ({received}) than the one known by the group coordinator ({member.MemberEpoch}). The member must abandon all its partitions and rejoin.");
        }
    }

    // The returning static member keeps the old one's subscription, assignment and target under its new id, at epoch 0.
    private static void ReplaceStaticMember(ScriptedConsumerGroup group, ScriptedConsumerMember member, string newMemberId)
    {
        var target = group.Target(member.MemberId);
        group.TargetAssignment.Remove(member.MemberId);
        group.TargetAssignment[newMemberId] = target;
        member.MemberId = newMemberId;
        (member.MemberEpoch, member.PreviousMemberEpoch) = (0, 0);
    }

    // Null fields mean "unchanged since the last heartbeat".
    private static void UpdateMember(ScriptedConsumerMember member, ConsumerGroupHeartbeatRequest request, string clientId)
    {
        member.InstanceId = request.InstanceId ?? member.InstanceId;
        member.RackId = request.RackId ?? member.RackId;
        member.RebalanceTimeoutMs = request.RebalanceTimeoutMs != -1 ? request.RebalanceTimeoutMs : member.RebalanceTimeoutMs;
        member.ServerAssignor = request.ServerAssignor ?? member.ServerAssignor;
        member.SubscribedTopicNames = request.SubscribedTopicNames?.ToHashSet(StringComparer.Ordinal) ?? member.SubscribedTopicNames;
        member.SubscribedTopicRegex = request.SubscribedTopicRegex ?? member.SubscribedTopicRegex;
        member.ClientId = clientId;
    }

    // -1 leaves (a static member too, for good); -2 is a static member that will be back within its session: it
    // keeps its partitions and the group epoch does not move.
    private ConsumerGroupHeartbeatResponse LeaveConsumerGroupLocked(ConsumerGroupHeartbeatRequest request)
    {
        if (!_consumerGroups.TryGetValue(request.GroupId, out var group))
        {
            throw new ConsumerGroupError(ErrorCode.GroupIdNotFound, $"Consumer group {request.GroupId} not found.");
        }

        ScriptedConsumerMember member;
        if (request.InstanceId is null)
        {
            member = group.Member(request.MemberId) ?? throw new ConsumerGroupError(ErrorCode.UnknownMemberId, $"Member {request.MemberId} is not a member of group {group.GroupId}.");
        }
        else
        {
            var holder = group.StaticMember(request.InstanceId);
            CheckStaticHolder(holder, group.GroupId, request.MemberId, request.InstanceId);
            member = holder!;
            if (request.MemberEpoch == LeaveGroupStaticMemberEpoch)
            {
                (member.MemberEpoch, member.PendingRevocation) = (LeaveGroupStaticMemberEpoch, GroupPartition.None);
                return new ConsumerGroupHeartbeatResponse { MemberId = member.MemberId, MemberEpoch = LeaveGroupStaticMemberEpoch };
            }
        }

        FenceConsumerMemberLocked(group, member);
        return new ConsumerGroupHeartbeatResponse { MemberId = request.MemberId, MemberEpoch = request.MemberEpoch };
    }

    private static ConsumerGroupHeartbeatResponse.AssignmentData AssignmentOf(ScriptedConsumerMember member) => new()
    {
        TopicPartitions = member.Assigned.GroupBy(p => p.TopicId).OrderBy(t => t.Key)
            .Select(t => new ConsumerGroupHeartbeatResponse.TopicPartitions { TopicId = t.Key, Partitions = t.Select(p => p.Partition).Order().ToList() })
            .ToList(),
    };

    private static ConsumerGroupHeartbeatResponse HeartbeatError(ConsumerGroupError error) =>
        new() { ErrorCode = (short)error.Error, ErrorMessage = error.Message };

    // Kafka compiles the pattern with RE2/J and matches whole topic names; .NET's Regex reads the same common syntax.
    private static Regex TopicRegex(string pattern)
    {
        try
        {
            return new Regex($"\\A(?:{pattern})\\z", RegexOptions.CultureInvariant);
        }
        catch (ArgumentException e)
        {
            throw new ConsumerGroupError(ErrorCode.InvalidRegularExpression, $"SubscribedTopicRegex `{pattern}` is not a valid regular expression: {e.Message}.");
        }
    }

    // Java's String.trim().isEmpty(): nothing but characters up to the space.
    private static bool IsBlank(string value) => value.All(c => c <= ' ');

    // An error a group operation answers with, and Kafka's message for it; thrown before anything changed.
    private sealed class ConsumerGroupError(ErrorCode error, string message) : Exception(message)
    {
        public ErrorCode Error { get; } = error;
    }
}
