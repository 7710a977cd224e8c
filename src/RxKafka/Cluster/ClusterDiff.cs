using System.Collections.Immutable;

namespace RxKafka.Cluster;

/// <summary>
/// The typed differences between two snapshots (M4): a pure function. Order: brokers (by node id),
/// the controller, topics (ordinal by name; for each, removal and addition, partitions added or
/// removed, then per partition in index order the leader, ISR, replicas and offline replicas),
/// topic errors, then coordinators.
/// </summary>
internal static class ClusterDiff
{
    /// <summary>What changed from <paramref name="previous"/> to <paramref name="current"/>; empty when nothing did.</summary>
    public static IReadOnlyList<ClusterChange> Between(ClusterSnapshot previous, ClusterSnapshot current)
    {
        ArgumentNullException.ThrowIfNull(previous);
        ArgumentNullException.ThrowIfNull(current);
        var changes = new List<ClusterChange>();
        if (ReferenceEquals(previous, current))
        {
            return changes;
        }

        DiffBrokers(previous, current, changes);
        if (previous.ControllerId != current.ControllerId)
        {
            changes.Add(new ControllerChanged(previous.ControllerId, current.ControllerId));
        }

        if (!ReferenceEquals(previous.Topics, current.Topics))
        {
            DiffTopics(previous.Topics, current.Topics, changes);
        }

        DiffTopicErrors(previous, current, changes);
        if (!ReferenceEquals(previous.Coordinators, current.Coordinators))
        {
            DiffCoordinators(previous.Coordinators, current.Coordinators, changes);
        }

        return changes;
    }

    private static void DiffBrokers(ClusterSnapshot previous, ClusterSnapshot current, List<ClusterChange> changes)
    {
        if (ReferenceEquals(previous.Brokers, current.Brokers))
        {
            return;
        }

        foreach (var id in previous.Brokers.Keys.Union(current.Brokers.Keys).Order())
        {
            var had = previous.Brokers.TryGetValue(id, out var before);
            var has = current.Brokers.TryGetValue(id, out var after);
            if (had && has)
            {
                if (!ReferenceEquals(before, after) && !before!.Equals(after))
                {
                    changes.Add(new BrokerEndpointChanged(before, after!));
                }
            }
            else if (has)
            {
                changes.Add(new BrokerAdded(after!));
            }
            else
            {
                changes.Add(new BrokerRemoved(before!));
            }
        }
    }

    private static void DiffTopics(IReadOnlyDictionary<string, TopicMetadata> previous, IReadOnlyDictionary<string, TopicMetadata> current, List<ClusterChange> changes)
    {
        // Most topics are unchanged and, after ClusterSnapshot.Apply, the very same object: only the
        // names that differ are sorted.
        List<string>? touched = null;
        var kept = 0;
        foreach (var (name, after) in current)
        {
            var had = previous.TryGetValue(name, out var before);
            kept += had ? 1 : 0;
            if (!had || !ReferenceEquals(before, after))
            {
                (touched ??= new List<string>()).Add(name);
            }
        }

        // Only when some previous names are not current ones is there a removed topic to look for.
        if (kept < previous.Count)
        {
            foreach (var name in previous.Keys)
            {
                if (!current.ContainsKey(name))
                {
                    (touched ??= new List<string>()).Add(name);
                }
            }
        }

        if (touched is null)
        {
            return;
        }

        touched.Sort(StringComparer.Ordinal);
        foreach (var name in touched)
        {
            var had = previous.TryGetValue(name, out var before);
            var has = current.TryGetValue(name, out var after);
            if (had && has)
            {
                DiffTopic(before!, after!, changes);
            }
            else if (has)
            {
                changes.Add(new TopicAdded(after!));
            }
            else
            {
                changes.Add(new TopicRemoved(before!));
            }
        }
    }

    private static void DiffTopic(TopicMetadata before, TopicMetadata after, List<ClusterChange> changes)
    {
        if (before.TopicId != after.TopicId && before.TopicId != Guid.Empty && after.TopicId != Guid.Empty)
        {
            // Deleted and created again under the same name: a different topic.
            changes.Add(new TopicRemoved(before));
            changes.Add(new TopicAdded(after));
            return;
        }

        // Partition counts rarely change: look for added and removed ones only when the indexes differ.
        if (!SameIndexes(before.Partitions, after.Partitions))
        {
            var added = Missing(after.Partitions, before);
            if (added.Length > 0)
            {
                changes.Add(new PartitionsAdded(after.Name, added));
            }

            var removed = Missing(before.Partitions, after);
            if (removed.Length > 0)
            {
                changes.Add(new PartitionsRemoved(before.Name, removed));
            }
        }

        foreach (var now in after.Partitions)
        {
            var was = before.GetPartition(now.Partition);
            if (was is null || ReferenceEquals(was, now))
            {
                continue;
            }

            if (was.Leader != now.Leader || was.LeaderEpoch != now.LeaderEpoch)
            {
                changes.Add(new LeaderChanged(now.Topic, now.Partition, was.Leader, now.Leader, was.LeaderEpoch, now.LeaderEpoch));
            }

            if (!PartitionMetadata.SameNodes(was.Isr, now.Isr))
            {
                changes.Add(new IsrChanged(now.Topic, now.Partition, was.Isr, now.Isr));
            }

            if (!PartitionMetadata.SameNodes(was.Replicas, now.Replicas))
            {
                changes.Add(new ReplicasChanged(now.Topic, now.Partition, was.Replicas, now.Replicas));
            }

            if (!PartitionMetadata.SameNodes(was.OfflineReplicas, now.OfflineReplicas))
            {
                changes.Add(new OfflineReplicasChanged(now.Topic, now.Partition, was.OfflineReplicas, now.OfflineReplicas));
            }
        }
    }

    private static bool SameIndexes(ImmutableArray<PartitionMetadata> a, ImmutableArray<PartitionMetadata> b)
    {
        if (a.Length != b.Length)
        {
            return false;
        }

        for (var i = 0; i < a.Length; i++)
        {
            if (a[i].Partition != b[i].Partition)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The partitions of <paramref name="partitions"/> that <paramref name="other"/> does not have.</summary>
    private static ImmutableArray<PartitionMetadata> Missing(ImmutableArray<PartitionMetadata> partitions, TopicMetadata other)
    {
        var missing = ImmutableArray.CreateBuilder<PartitionMetadata>();
        foreach (var p in partitions)
        {
            if (other.GetPartition(p.Partition) is null)
            {
                missing.Add(p);
            }
        }

        return missing.ToImmutable();
    }

    private static void DiffTopicErrors(ClusterSnapshot previous, ClusterSnapshot current, List<ClusterChange> changes)
    {
        if (ReferenceEquals(previous.TopicErrors, current.TopicErrors) && ReferenceEquals(previous.UnauthorizedTopics, current.UnauthorizedTopics))
        {
            return;
        }

        static ErrorCode ErrorOf(ClusterSnapshot s, string topic) =>
            s.UnauthorizedTopics.Contains(topic) ? ErrorCode.TopicAuthorizationFailed
            : s.TopicErrors.TryGetValue(topic, out var e) ? e
            : ErrorCode.None;

        var names = previous.TopicErrors.Keys.Concat(previous.UnauthorizedTopics)
            .Concat(current.TopicErrors.Keys).Concat(current.UnauthorizedTopics)
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal);
        foreach (var name in names)
        {
            var before = ErrorOf(previous, name);
            var after = ErrorOf(current, name);
            if (before != after)
            {
                changes.Add(new TopicErrorChanged(name, before, after));
            }
        }
    }

    private static void DiffCoordinators(IReadOnlyDictionary<CoordinatorKey, BrokerNode> previous, IReadOnlyDictionary<CoordinatorKey, BrokerNode> current, List<ClusterChange> changes)
    {
        var keys = previous.Keys.Union(current.Keys)
            .OrderBy(k => k.Type)
            .ThenBy(k => k.Key, StringComparer.Ordinal);
        foreach (var key in keys)
        {
            previous.TryGetValue(key, out var before);
            current.TryGetValue(key, out var after);
            if (!Equals(before, after))
            {
                changes.Add(new CoordinatorChanged(key.Type, key.Key, before, after));
            }
        }
    }
}
