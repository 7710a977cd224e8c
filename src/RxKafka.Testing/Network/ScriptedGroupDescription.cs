namespace RxKafka.Testing.Network;

/// <summary>The states of a classic consumer group, as Kafka's group coordinator names them (DescribeGroups, ListGroups).</summary>
public enum ScriptedGroupState
{
    /// <summary>No members: the group holds only committed offsets, or nothing yet.</summary>
    Empty,

    /// <summary>A rebalance started: the coordinator waits for the members to (re)join.</summary>
    PreparingRebalance,

    /// <summary>Every member joined the new generation: the coordinator waits for the leader's assignment (SyncGroup).</summary>
    CompletingRebalance,

    /// <summary>The leader's assignment was handed out; members heartbeat.</summary>
    Stable,

    /// <summary>The group no longer exists (what DescribeGroups answers for a group the coordinator does not know).</summary>
    Dead,
}

/// <summary>A snapshot of one classic group at its coordinator in a <see cref="ScriptedCluster"/> (<see cref="ScriptedCluster.DescribeGroup"/>).</summary>
/// <param name="GroupId">The group id.</param>
/// <param name="State">The group's state.</param>
/// <param name="GenerationId">The generation: 0 before the first rebalance completes, then one more per completed join phase.</param>
/// <param name="ProtocolType">The members' protocol type ("consumer" for consumers), or null while the group never had a member.</param>
/// <param name="ProtocolName">The protocol (assignor) the members' votes chose for this generation, or null when there is none.</param>
/// <param name="LeaderId">The leader's member id, or null when the group has no members.</param>
/// <param name="Members">The members, in the order they joined.</param>
public sealed record ScriptedGroupDescription(
    string GroupId,
    ScriptedGroupState State,
    int GenerationId,
    string? ProtocolType,
    string? ProtocolName,
    string? LeaderId,
    IReadOnlyList<ScriptedGroupMember> Members);

/// <summary>One member of a classic group in a <see cref="ScriptedGroupDescription"/>.</summary>
/// <param name="MemberId">The member id the coordinator gave it.</param>
/// <param name="GroupInstanceId">Its <c>group.instance.id</c> when it is a static member (KIP-345), else null.</param>
/// <param name="ClientId">The client id of its last JoinGroup.</param>
/// <param name="SessionTimeout">Its session timeout: without a heartbeat for that long it is removed.</param>
/// <param name="RebalanceTimeout">Its rebalance timeout: how long a rebalance waits for it to rejoin.</param>
/// <param name="Protocols">The protocols (assignors) it supports, in its order of preference.</param>
/// <param name="Assignment">The assignment the leader gave it in the last completed SyncGroup (empty until then).</param>
/// <param name="AwaitingJoin">Whether its JoinGroup is held until the join phase completes.</param>
/// <param name="AwaitingSync">Whether its SyncGroup is held until the leader's assignment arrives.</param>
public sealed record ScriptedGroupMember(
    string MemberId,
    string? GroupInstanceId,
    string ClientId,
    TimeSpan SessionTimeout,
    TimeSpan RebalanceTimeout,
    IReadOnlyList<string> Protocols,
    ReadOnlyMemory<byte> Assignment,
    bool AwaitingJoin,
    bool AwaitingSync);
