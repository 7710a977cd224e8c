namespace RxKafka.Testing.Network;

/// <summary>A snapshot of one KIP-848 consumer group at its coordinator in a <see cref="ScriptedCluster"/> (<see cref="ScriptedCluster.DescribeConsumerGroup"/>).</summary>
/// <param name="GroupId">The group id.</param>
/// <param name="State">The group's state.</param>
/// <param name="GroupEpoch">The group epoch: bumped when members join or leave, change their subscriptions, or subscribed topics change.</param>
/// <param name="AssignmentEpoch">The group epoch the target assignment was computed for.</param>
/// <param name="AssignorName">The server-side assignor the members' <c>ServerAssignor</c> choose ("uniform" unless most ask for "range").</param>
/// <param name="Members">The members, in the order they joined.</param>
public sealed record ScriptedConsumerGroupDescription(
    string GroupId,
    ScriptedConsumerGroupState State,
    int GroupEpoch,
    int AssignmentEpoch,
    string AssignorName,
    IReadOnlyList<ScriptedConsumerGroupMember> Members);

/// <summary>One member of a KIP-848 group in a <see cref="ScriptedConsumerGroupDescription"/>; partitions are named by topic name, in order.</summary>
/// <param name="MemberId">The member id (the coordinator's at ConsumerGroupHeartbeat v0, the member's own from v1).</param>
/// <param name="InstanceId">Its <c>group.instance.id</c> when it is a static member, else null.</param>
/// <param name="ClientId">The client id of its last heartbeat.</param>
/// <param name="MemberEpoch">Its member epoch; -2 for a static member that left and may come back within its session.</param>
/// <param name="State">Where its reconciliation stands.</param>
/// <param name="SubscribedTopicNames">The topic names it subscribes to.</param>
/// <param name="SubscribedTopicRegex">The pattern it subscribes to, or null.</param>
/// <param name="Assigned">The partitions it owns at its epoch.</param>
/// <param name="PendingRevocation">The partitions it must revoke before it moves to the next epoch.</param>
/// <param name="Target">Its partitions in the target assignment.</param>
public sealed record ScriptedConsumerGroupMember(
    string MemberId,
    string? InstanceId,
    string ClientId,
    int MemberEpoch,
    ScriptedConsumerMemberState State,
    IReadOnlyList<string> SubscribedTopicNames,
    string? SubscribedTopicRegex,
    IReadOnlyList<TopicPartition> Assigned,
    IReadOnlyList<TopicPartition> PendingRevocation,
    IReadOnlyList<TopicPartition> Target);
