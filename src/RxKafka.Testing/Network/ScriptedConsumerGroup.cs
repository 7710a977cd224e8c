namespace RxKafka.Testing.Network;

// The state a KIP-848 group coordinator keeps for one group (Kafka's ConsumerGroup): the group epoch, the target
// assignment and the epoch it was computed for, the topics the members subscribe with their partition counts,
// and the members. Every member and method is used under the cluster's lock.
internal sealed class ScriptedConsumerGroup(string groupId)
{
    public string GroupId { get; } = groupId;

    // Bumped when a member joins, leaves or changes its subscription, or a subscribed topic's partitions change.
    public int GroupEpoch { get; set; }

    // The group epoch the target assignment was computed for; behind GroupEpoch until a member heartbeats.
    public int AssignmentEpoch { get; set; }

    // Members in join order, so that describing and assigning are deterministic.
    public List<ScriptedConsumerMember> Members { get; } = new();

    // Per member id: the partitions the server-side assignor gave it at AssignmentEpoch.
    public Dictionary<string, IReadOnlySet<GroupPartition>> TargetAssignment { get; } = new(StringComparer.Ordinal);

    // The subscribed topics that exist, with their partition counts (Kafka's subscription metadata): a change bumps
    // the group epoch.
    public SortedDictionary<string, int> SubscriptionMetadata { get; set; } = new(StringComparer.Ordinal);

    // Numbers the member ids this group hands out at ConsumerGroupHeartbeat v0, so the same script gives the same ids.
    public int MemberIdsIssued { get; set; }

    public ScriptedConsumerGroupState State =>
        Members.Count == 0 ? ScriptedConsumerGroupState.Empty
        : GroupEpoch > AssignmentEpoch ? ScriptedConsumerGroupState.Assigning
        : Members.TrueForAll(m => m.IsReconciledTo(AssignmentEpoch)) ? ScriptedConsumerGroupState.Stable
        : ScriptedConsumerGroupState.Reconciling;

    public ScriptedConsumerMember? Member(string memberId) => Members.Find(m => m.MemberId == memberId);

    public ScriptedConsumerMember? StaticMember(string instanceId) => Members.Find(m => m.InstanceId == instanceId);

    public IReadOnlySet<GroupPartition> Target(string memberId) =>
        TargetAssignment.TryGetValue(memberId, out var target) ? target : GroupPartition.None;

    // The epoch of the member that owns a partition (assigned or still to be revoked), -1 when it is free: a
    // partition goes to its new owner only once this is -1 (Kafka's currentPartitionEpoch).
    public int OwnerEpoch(GroupPartition partition)
    {
        foreach (var member in Members)
        {
            if (member.Assigned.Contains(partition) || member.PendingRevocation.Contains(partition))
            {
                return member.MemberEpoch;
            }
        }

        return -1;
    }
}

// One member of a KIP-848 group (Kafka's ConsumerGroupMember): what it subscribes and where its reconciliation
// stands. A static member that left with epoch -2 stays, keeping its partitions, until its session ends.
internal sealed class ScriptedConsumerMember(string memberId)
{
    public string MemberId { get; set; } = memberId;

    public string? InstanceId { get; set; }

    public string? RackId { get; set; }

    public string ClientId { get; set; } = "";

    public int RebalanceTimeoutMs { get; set; } = -1;

    public IReadOnlySet<string> SubscribedTopicNames { get; set; } = new HashSet<string>(StringComparer.Ordinal);

    // Null or empty: no pattern (librdkafka sends an empty one beside names).
    public string? SubscribedTopicRegex { get; set; }

    public string? ServerAssignor { get; set; }

    public int MemberEpoch { get; set; }

    // The epoch before the last one it moved to: a heartbeat at it is accepted when its answer may have been lost.
    public int PreviousMemberEpoch { get; set; } = -1;

    public ScriptedConsumerMemberState State { get; set; } = ScriptedConsumerMemberState.Stable;

    public IReadOnlySet<GroupPartition> Assigned { get; set; } = GroupPartition.None;

    public IReadOnlySet<GroupPartition> PendingRevocation { get; set; } = GroupPartition.None;

    public ScriptedTimer SessionTimer { get; } = new();

    public ScriptedTimer RebalanceTimer { get; } = new();

    public bool HasRegex => !string.IsNullOrEmpty(SubscribedTopicRegex);

    public bool IsReconciledTo(int targetEpoch) => State == ScriptedConsumerMemberState.Stable && MemberEpoch == targetEpoch;

    public void CancelTimers()
    {
        SessionTimer.Cancel();
        RebalanceTimer.Cancel();
    }
}

/// <summary>Where a KIP-848 member's reconciliation stands, as Kafka's group coordinator names it (MemberState).</summary>
public enum ScriptedConsumerMemberState
{
    /// <summary>The member has its target assignment at the target epoch, or waits for nothing.</summary>
    Stable,

    /// <summary>The member must revoke partitions (its heartbeat still lists them) before it moves to the next epoch.</summary>
    UnrevokedPartitions,

    /// <summary>The member is at the target epoch but some of its target partitions are still owned by others.</summary>
    UnreleasedPartitions,
}

/// <summary>The states of a KIP-848 consumer group, as Kafka names them (ConsumerGroupDescribe, ListGroups).</summary>
public enum ScriptedConsumerGroupState
{
    /// <summary>No members: the group holds only committed offsets.</summary>
    Empty,

    /// <summary>The group epoch moved past the target assignment's: a new target is computed at the next heartbeat.</summary>
    Assigning,

    /// <summary>The target assignment is computed; some members have not reached it yet.</summary>
    Reconciling,

    /// <summary>Every member has its target assignment at the target epoch.</summary>
    Stable,
}

// A partition of a topic named by its id, as ConsumerGroupHeartbeat names them.
internal readonly record struct GroupPartition(Guid TopicId, int Partition)
{
    public static readonly IReadOnlySet<GroupPartition> None = new HashSet<GroupPartition>();
}
