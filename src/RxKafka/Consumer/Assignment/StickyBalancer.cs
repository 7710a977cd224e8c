namespace RxKafka.Consumer.Assignment;

/// <summary>
/// The sticky assignors' algorithm (KIP-54's goals, our own code): every member first keeps the partitions it
/// owned and still subscribes to; the partitions nobody keeps go, those with the fewest candidate members first,
/// to the candidate with the fewest partitions; then, while some member has at least two partitions more than a
/// member that could take one of them, one moves (a partition placed in this round before one the member kept).
/// Each move lowers the sum of squared assignment sizes, so the loop ends; it ends balanced: no member could take
/// a partition from a member with two more. With equal subscriptions that means sizes differ by at most one, and
/// the partitions that move are as few as that balance allows.
/// </summary>
internal sealed class StickyBalancer
{
    private readonly List<string> _members;
    private readonly Dictionary<string, List<int>> _candidates = new(StringComparer.Ordinal);
    private readonly List<HashSet<TopicPartition>> _assigned;
    private readonly List<HashSet<TopicPartition>> _kept;

    private StickyBalancer(List<string> members)
    {
        _members = members;
        _assigned = [.. members.Select(_ => new HashSet<TopicPartition>())];
        _kept = [.. members.Select(_ => new HashSet<TopicPartition>())];
    }

    /// <summary>
    /// Assigns every partition of every existing topic in <paramref name="topicsOf"/> to one of the members that
    /// subscribe to it, keeping each partition with its previous owner where balance allows.
    /// </summary>
    /// <param name="members">The members, in the order that breaks ties.</param>
    /// <param name="topicsOf">Each member's existing subscribed topics.</param>
    /// <param name="partitionsPerTopic">Partition counts.</param>
    /// <param name="owners">Each partition's previous owner, where it has one.</param>
    public static Dictionary<string, List<TopicPartition>> Assign(
        IReadOnlyList<string> members,
        IReadOnlyDictionary<string, IReadOnlySet<string>> topicsOf,
        IReadOnlyDictionary<string, int> partitionsPerTopic,
        IReadOnlyDictionary<TopicPartition, string> owners)
    {
        var balancer = new StickyBalancer([.. members]);
        for (var m = 0; m < members.Count; m++)
        {
            foreach (var topic in topicsOf[members[m]])
            {
                if (!balancer._candidates.TryGetValue(topic, out var list))
                {
                    balancer._candidates[topic] = list = [];
                }

                list.Add(m);
            }
        }

        balancer.KeepAndPlace(partitionsPerTopic, owners);
        balancer.Balance();
        var result = new Dictionary<string, List<TopicPartition>>(StringComparer.Ordinal);
        for (var m = 0; m < members.Count; m++)
        {
            result[members[m]] = [.. balancer._assigned[m].Order(PartitionOrder.Instance)];
        }

        return result;
    }

    private void KeepAndPlace(IReadOnlyDictionary<string, int> partitionsPerTopic, IReadOnlyDictionary<TopicPartition, string> owners)
    {
        var index = _members.Select((id, i) => (id, i)).ToDictionary(x => x.id, x => x.i, StringComparer.Ordinal);
        var unplaced = new List<TopicPartition>();
        foreach (var topic in _candidates.Keys.Order(StringComparer.Ordinal))
        {
            for (var p = 0; p < partitionsPerTopic[topic]; p++)
            {
                var partition = new TopicPartition(topic, p);
                if (owners.TryGetValue(partition, out var owner) && index.TryGetValue(owner, out var m) && _candidates[topic].Contains(m))
                {
                    _assigned[m].Add(partition);
                    _kept[m].Add(partition);
                }
                else
                {
                    unplaced.Add(partition);
                }
            }
        }

        // The most constrained partitions first, so that they still find room with one of their few candidates.
        foreach (var partition in unplaced.OrderBy(p => _candidates[p.Topic].Count).ThenBy(p => p, PartitionOrder.Instance))
        {
            _assigned[Emptiest(_candidates[partition.Topic])].Add(partition);
        }
    }

    private void Balance()
    {
        while (TryMoveOne())
        {
        }
    }

    private bool TryMoveOne()
    {
        var donors = Enumerable.Range(0, _members.Count).OrderByDescending(m => _assigned[m].Count).ThenBy(m => m);
        var fewest = _assigned.Min(a => a.Count);
        foreach (var donor in donors)
        {
            if (_assigned[donor].Count - fewest < 2)
            {
                // Donors come largest first: no later one can give either.
                return false;
            }

            // Partitions placed in this round move before those the member kept: stickiness.
            var movable = _assigned[donor]
                .OrderBy(p => _kept[donor].Contains(p))
                .ThenBy(p => p, PartitionOrder.Instance);
            foreach (var partition in movable)
            {
                var receiver = Emptiest(_candidates[partition.Topic]);
                if (_assigned[donor].Count - _assigned[receiver].Count >= 2)
                {
                    _assigned[donor].Remove(partition);
                    _assigned[receiver].Add(partition);
                    return true;
                }
            }
        }

        return false;
    }

    private int Emptiest(List<int> candidates)
    {
        var best = candidates[0];
        foreach (var m in candidates)
        {
            if (_assigned[m].Count < _assigned[best].Count)
            {
                best = m;
            }
        }

        return best;
    }
}
