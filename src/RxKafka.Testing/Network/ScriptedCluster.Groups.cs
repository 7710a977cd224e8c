using RxKafka.Cluster;
using RxKafka.Protocol.Messages;

namespace RxKafka.Testing.Network;

// Classic consumer groups (JoinGroup, SyncGroup, Heartbeat, LeaveGroup, DescribeGroups, ListGroups), kept as
// Kafka's group coordinator keeps them: the settings, what a test reads of a group and the actions it forces.
// The state machine is in ScriptedCluster.Rebalance.cs, each API in a file of its own.
public sealed partial class ScriptedCluster
{
    /// <summary>Kafka's default <c>group.min.session.timeout.ms</c>: 6 seconds.</summary>
    public static readonly TimeSpan DefaultGroupMinSessionTimeout = TimeSpan.FromSeconds(6);

    /// <summary>Kafka's default <c>group.max.session.timeout.ms</c>: 30 minutes.</summary>
    public static readonly TimeSpan DefaultGroupMaxSessionTimeout = TimeSpan.FromMinutes(30);

    /// <summary>
    /// How long a new member's JoinGroup may wait for the join phase before the member is dropped (Kafka's
    /// fixed 5 minutes, KIP-394): it cannot heartbeat before it has a generation.
    /// </summary>
    public static readonly TimeSpan NewMemberJoinTimeout = TimeSpan.FromMinutes(5);

    private readonly Dictionary<string, ScriptedClassicGroup> _groups = new(StringComparer.Ordinal);
    private TimeSpan _groupInitialRebalanceDelay;
    private TimeSpan _groupMinSessionTimeout = DefaultGroupMinSessionTimeout;
    private TimeSpan _groupMaxSessionTimeout = DefaultGroupMaxSessionTimeout;

    /// <summary>
    /// Kafka's <c>group.initial.rebalance.delay.ms</c>: how long an empty group's first rebalance waits for more
    /// members, waiting again (up to the rebalance timeout) each time one joins. Zero by default so tests run
    /// quickly (Kafka's default is 3 seconds); on a <c>TestScheduler</c> zero still means one tick.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public TimeSpan GroupInitialRebalanceDelay
    {
        get => Locked(() => _groupInitialRebalanceDelay);
        set => Locked(() => _groupInitialRebalanceDelay = NotNegative(value));
    }

    /// <summary>Kafka's <c>group.min.session.timeout.ms</c> (<see cref="DefaultGroupMinSessionTimeout"/>): a JoinGroup asking for less is INVALID_SESSION_TIMEOUT.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public TimeSpan GroupMinSessionTimeout
    {
        get => Locked(() => _groupMinSessionTimeout);
        set => Locked(() => _groupMinSessionTimeout = NotNegative(value));
    }

    /// <summary>Kafka's <c>group.max.session.timeout.ms</c> (<see cref="DefaultGroupMaxSessionTimeout"/>): a JoinGroup asking for more is INVALID_SESSION_TIMEOUT.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public TimeSpan GroupMaxSessionTimeout
    {
        get => Locked(() => _groupMaxSessionTimeout);
        set => Locked(() => _groupMaxSessionTimeout = NotNegative(value));
    }

    /// <summary>The ids of the groups the cluster knows (classic and KIP-848, joined or holding committed offsets), in ordinal order.</summary>
    public IReadOnlyList<string> GroupIds => Locked(() => (IReadOnlyList<string>)_groups.Keys.Concat(_consumerGroups.Keys).Order(StringComparer.Ordinal).ToArray());

    /// <summary>
    /// A snapshot of a group: its state, generation, protocol, leader and members with their assignments, or
    /// null when the cluster does not know the group.
    /// </summary>
    /// <param name="groupId">The group id.</param>
    public ScriptedGroupDescription? DescribeGroup(string groupId)
    {
        ArgumentNullException.ThrowIfNull(groupId);
        lock (_gate)
        {
            return _groups.TryGetValue(groupId, out var group) ? Describe(group) : null;
        }
    }

    /// <summary>
    /// Expires a member's session now, as if its session timeout passed without a heartbeat: the member is
    /// removed (a held JoinGroup gets UNKNOWN_MEMBER_ID) and the group rebalances. Works on a static member too, and
    /// on a member of a KIP-848 group: it is fenced, its partitions are freed and the group epoch is bumped.
    /// </summary>
    /// <param name="groupId">The group id.</param>
    /// <param name="memberId">The member id.</param>
    /// <exception cref="ArgumentException">The group does not exist or has no such member; the message names both.</exception>
    public void ExpireMember(string groupId, string memberId)
    {
        ArgumentNullException.ThrowIfNull(memberId);
        lock (_gate)
        {
            if (TryExpireConsumerMemberLocked(groupId, memberId))
            {
                return;
            }

            var group = KnownGroup(groupId);
            if (group.PendingMembers.Contains(memberId))
            {
                RemovePendingMemberLocked(group, memberId);
                return;
            }

            var member = group.Member(memberId)
                ?? throw new ArgumentException($"Group '{groupId}' has no member '{memberId}'; its members are [{string.Join(", ", group.Members.Select(m => m.MemberId))}].", nameof(memberId));
            RemoveMemberLocked(group, member);
        }
    }

    /// <summary>
    /// Starts a rebalance of a group now, as a member joining with new metadata would: a stable group goes to
    /// PreparingRebalance and its members get REBALANCE_IN_PROGRESS on their next heartbeat; a group
    /// completing a rebalance answers held SyncGroups with REBALANCE_IN_PROGRESS. Nothing happens to a group
    /// already preparing a rebalance or without members.
    /// </summary>
    /// <param name="groupId">The group id.</param>
    /// <exception cref="ArgumentException">The cluster does not know the group.</exception>
    public void RebalanceGroup(string groupId)
    {
        lock (_gate)
        {
            var group = KnownGroup(groupId);
            if (!group.IsEmpty && group.State is ScriptedGroupState.Stable or ScriptedGroupState.CompletingRebalance)
            {
                PrepareRebalanceLocked(group);
            }
        }
    }

    /// <summary>
    /// Moves a group's coordinator to broker <paramref name="nodeId"/> (as <see cref="SetCoordinator"/> pins it),
    /// as when its <c>__consumer_offsets</c> partition changes leader: the old coordinator answers the JoinGroup
    /// and SyncGroup requests it was holding with NOT_COORDINATOR and every later group request with
    /// NOT_COORDINATOR; the new one carries on with the group's members, generation and offsets.
    /// </summary>
    /// <param name="groupId">The group id.</param>
    /// <param name="nodeId">The new coordinator's node id.</param>
    /// <exception cref="ArgumentException">The cluster has no such broker.</exception>
    public void MoveGroupCoordinator(string groupId, int nodeId)
    {
        ArgumentNullException.ThrowIfNull(groupId);
        lock (_gate)
        {
            Get(nodeId);
            SetCoordinator(CoordinatorType.Group, groupId, nodeId);
            if (_groups.TryGetValue(groupId, out var group))
            {
                foreach (var member in group.Members)
                {
                    member.AwaitingJoin?.Complete(JoinError(member.AwaitingJoin.Version, member.MemberId, ErrorCode.NotCoordinator));
                    member.AwaitingSync?.Complete(SyncError(ErrorCode.NotCoordinator));
                    (member.AwaitingJoin, member.AwaitingSync) = (null, null);
                }
            }
        }
    }

    private static ScriptedGroupDescription Describe(ScriptedClassicGroup group) => new(
        group.GroupId,
        group.State,
        group.GenerationId,
        group.ProtocolType,
        group.ProtocolName,
        group.LeaderId,
        group.Members.Select(m => new ScriptedGroupMember(
            m.MemberId,
            m.GroupInstanceId,
            m.ClientId,
            TimeSpan.FromMilliseconds(m.SessionTimeoutMs),
            TimeSpan.FromMilliseconds(m.RebalanceTimeoutMs),
            m.Protocols.Select(p => p.Name).ToArray(),
            m.Assignment.ToArray(),
            m.AwaitingJoin is not null,
            m.AwaitingSync is not null)).ToArray());

    private ScriptedClassicGroup KnownGroup(string groupId)
    {
        ArgumentNullException.ThrowIfNull(groupId);
        return _groups.TryGetValue(groupId, out var group)
            ? group
            : throw new ArgumentException($"The scripted cluster has no group '{groupId}'; its groups are [{string.Join(", ", _groups.Keys.Order(StringComparer.Ordinal))}].", nameof(groupId));
    }

    // The checks every group request starts with: the group id, then whether this broker coordinates the group.
    private ErrorCode GroupRequestError(int nodeId, string groupId) =>
        groupId.Length == 0 ? ErrorCode.InvalidGroupId
        : Coordinator(CoordinatorType.Group, groupId) != nodeId ? ErrorCode.NotCoordinator
        : ErrorCode.None;

    private T Locked<T>(Func<T> read)
    {
        lock (_gate)
        {
            return read();
        }
    }

    private static TimeSpan NotNegative(TimeSpan value, [System.Runtime.CompilerServices.CallerMemberName] string name = "")
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero, name);
        return value;
    }
}
