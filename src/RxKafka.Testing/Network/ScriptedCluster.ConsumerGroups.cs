namespace RxKafka.Testing.Network;

// KIP-848 consumer groups (group.protocol=consumer), kept as Kafka 4.x's group coordinator keeps them: the settings,
// what a test reads of a group, and the group-wide steps (subscriptions, target assignment, fencing, timers). The
// heartbeat itself is in ScriptedCluster.ConsumerGroupHeartbeat.cs, the reconciliation in ScriptedReconciliation.cs.
public sealed partial class ScriptedCluster
{
    /// <summary>Kafka's default <c>group.consumer.heartbeat.interval.ms</c>: 5 seconds.</summary>
    public static readonly TimeSpan DefaultConsumerGroupHeartbeatInterval = TimeSpan.FromSeconds(5);

    /// <summary>Kafka's default <c>group.consumer.session.timeout.ms</c>: 45 seconds.</summary>
    public static readonly TimeSpan DefaultConsumerGroupSessionTimeout = TimeSpan.FromSeconds(45);

    private readonly Dictionary<string, ScriptedConsumerGroup> _consumerGroups = new(StringComparer.Ordinal);
    private TimeSpan _consumerGroupHeartbeatInterval = DefaultConsumerGroupHeartbeatInterval;
    private TimeSpan _consumerGroupSessionTimeout = DefaultConsumerGroupSessionTimeout;

    /// <summary>
    /// Kafka's <c>group.consumer.heartbeat.interval.ms</c> (<see cref="DefaultConsumerGroupHeartbeatInterval"/>): the
    /// <c>HeartbeatIntervalMs</c> every ConsumerGroupHeartbeat answer carries.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not positive.</exception>
    public TimeSpan ConsumerGroupHeartbeatInterval
    {
        get => Locked(() => _consumerGroupHeartbeatInterval);
        set => Locked(() => _consumerGroupHeartbeatInterval = Positive(value));
    }

    /// <summary>
    /// Kafka's <c>group.consumer.session.timeout.ms</c> (<see cref="DefaultConsumerGroupSessionTimeout"/>): a KIP-848
    /// member that sends no ConsumerGroupHeartbeat for this long is fenced and its partitions freed.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not positive.</exception>
    public TimeSpan ConsumerGroupSessionTimeout
    {
        get => Locked(() => _consumerGroupSessionTimeout);
        set => Locked(() => _consumerGroupSessionTimeout = Positive(value));
    }

    /// <summary>
    /// A snapshot of a KIP-848 group: its state, group epoch, target assignment epoch and members with their
    /// epochs, subscriptions, assigned partitions, partitions pending revocation and targets; null when the cluster
    /// has no consumer group of that id (a classic group is read with <see cref="DescribeGroup"/>).
    /// </summary>
    /// <param name="groupId">The group id.</param>
    public ScriptedConsumerGroupDescription? DescribeConsumerGroup(string groupId)
    {
        ArgumentNullException.ThrowIfNull(groupId);
        lock (_gate)
        {
            return _consumerGroups.TryGetValue(groupId, out var group) ? DescribeLocked(group) : null;
        }
    }

    private ScriptedConsumerGroupDescription DescribeLocked(ScriptedConsumerGroup group)
    {
        var names = _topics.Values.ToDictionary(t => t.TopicId, t => t.Name);
        IReadOnlyList<RxKafka.TopicPartition> Named(IReadOnlySet<GroupPartition> partitions) => partitions
            .Select(p => new RxKafka.TopicPartition(names.GetValueOrDefault(p.TopicId, p.TopicId.ToString()), p.Partition))
            .OrderBy(p => p.Topic, StringComparer.Ordinal).ThenBy(p => p.Partition)
            .ToArray();
        return new ScriptedConsumerGroupDescription(
            group.GroupId,
            group.State,
            group.GroupEpoch,
            group.AssignmentEpoch,
            PreferredAssignor(group),
            group.Members.Select(m => new ScriptedConsumerGroupMember(
                m.MemberId,
                m.InstanceId,
                m.ClientId,
                m.MemberEpoch,
                m.State,
                m.SubscribedTopicNames.Order(StringComparer.Ordinal).ToArray(),
                string.IsNullOrEmpty(m.SubscribedTopicRegex) ? null : m.SubscribedTopicRegex,
                Named(m.Assigned),
                Named(m.PendingRevocation),
                Named(group.Target(m.MemberId)))).ToArray());
    }

    // The topics a member subscribes that exist: its names, and every topic its pattern matches.
    private HashSet<string> ResolvedTopics(ScriptedConsumerMember member)
    {
        var topics = member.SubscribedTopicNames.Where(_topics.ContainsKey).ToHashSet(StringComparer.Ordinal);
        if (member.HasRegex)
        {
            var regex = TopicRegex(member.SubscribedTopicRegex!);
            topics.UnionWith(_topics.Keys.Where(t => regex.IsMatch(t)));
        }

        return topics;
    }

    // The subscribed topics that exist with their partition counts: what the target assignment depends on, so a
    // change (a topic created, deleted or grown, a pattern matching a new topic) bumps the group epoch at the next
    // heartbeat (Kafka refreshes it on metadata updates and resolves patterns in the background; here it is exact).
    private SortedDictionary<string, int> SubscriptionMetadata(ScriptedConsumerGroup group)
    {
        var metadata = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var topic in group.Members.SelectMany(ResolvedTopics))
        {
            metadata[topic] = _topics[topic].Partitions.Count;
        }

        return metadata;
    }

    // The assignor most members ask for (ServerAssignor), "uniform" when none asks.
    private static string PreferredAssignor(ScriptedConsumerGroup group) =>
        group.Members.Where(m => m.ServerAssignor is not null)
            .GroupBy(m => m.ServerAssignor!, StringComparer.Ordinal)
            .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => g.Key)
            .FirstOrDefault() ?? ScriptedServerAssignors.Uniform;

    private void ComputeTargetAssignment(ScriptedConsumerGroup group)
    {
        var topics = group.SubscriptionMetadata.ToDictionary(t => t.Key, t => (_topics[t.Key].TopicId, t.Value), StringComparer.Ordinal);
        var members = group.Members.Select(m => new AssignorMember(m.MemberId, ResolvedTopics(m), group.Target(m.MemberId))).ToList();
        var target = ScriptedServerAssignors.Assign(PreferredAssignor(group), members, topics);
        group.TargetAssignment.Clear();
        foreach (var (memberId, partitions) in target)
        {
            group.TargetAssignment[memberId] = partitions;
        }

        group.AssignmentEpoch = group.GroupEpoch;
    }

    // A member leaves or is fenced: its partitions are free at once, and the group epoch moves so the others get a
    // new target at their next heartbeat.
    private void FenceConsumerMemberLocked(ScriptedConsumerGroup group, ScriptedConsumerMember member)
    {
        member.CancelTimers();
        group.Members.Remove(member);
        group.TargetAssignment.Remove(member.MemberId);
        group.SubscriptionMetadata = SubscriptionMetadata(group);
        group.GroupEpoch++;
    }

    // A member silent for the session timeout is fenced. A static member that left with -2 keeps the timer of its
    // last heartbeat: if it is not back by then, it is gone for good.
    private void ScheduleConsumerSessionLocked(ScriptedConsumerGroup group, ScriptedConsumerMember member) =>
        member.SessionTimer.Schedule(_scheduler, _gate, _consumerGroupSessionTimeout, () =>
        {
            if (group.Members.Contains(member))
            {
                FenceConsumerMemberLocked(group, member);
            }
        });

    // A member asked to revoke partitions must do so within its rebalance timeout, else it is fenced; once it moves
    // to another epoch or state the timer is off.
    private void ScheduleRebalanceTimeoutLocked(ScriptedConsumerGroup group, ScriptedConsumerMember member)
    {
        if (member.State != ScriptedConsumerMemberState.UnrevokedPartitions)
        {
            member.RebalanceTimer.Cancel();
            return;
        }

        var epoch = member.MemberEpoch;
        member.RebalanceTimer.Schedule(_scheduler, _gate, TimeSpan.FromMilliseconds(member.RebalanceTimeoutMs), () =>
        {
            if (group.Members.Contains(member) && member.MemberEpoch == epoch)
            {
                FenceConsumerMemberLocked(group, member);
            }
        });
    }

    private bool TryExpireConsumerMemberLocked(string groupId, string memberId)
    {
        if (!_consumerGroups.TryGetValue(groupId, out var group))
        {
            return false;
        }

        var member = group.Member(memberId)
            ?? throw new ArgumentException($"Consumer group '{groupId}' has no member '{memberId}'; its members are [{string.Join(", ", group.Members.Select(m => m.MemberId))}].", nameof(memberId));
        FenceConsumerMemberLocked(group, member);
        return true;
    }

    private static TimeSpan Positive(TimeSpan value, [System.Runtime.CompilerServices.CallerMemberName] string name = "")
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(value, TimeSpan.Zero, name);
        return value;
    }
}
