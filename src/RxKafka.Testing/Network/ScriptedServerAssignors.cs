namespace RxKafka.Testing.Network;

// The server-side assignors of KIP-848 groups, by the names Kafka's group coordinator knows them
// (group.consumer.assignors): "uniform", the default, and "range". Each maps the members' subscriptions (topic
// names resolved, regexes included) and the existing topics to a target assignment per member.
internal static class ScriptedServerAssignors
{
    public const string Uniform = "uniform";
    public const string Range = "range";

    public static readonly IReadOnlyList<string> Names = [Uniform, Range];

    public static Dictionary<string, IReadOnlySet<GroupPartition>> Assign(
        string assignor,
        IReadOnlyList<AssignorMember> members,
        IReadOnlyDictionary<string, (Guid Id, int Partitions)> topics) =>
        assignor == Range ? AssignRange(members, topics) : AssignUniform(members, topics);

    // Uniform (Kafka's UniformAssignor in spirit): sticky and balanced. A partition stays with its current target
    // owner while that member still subscribes to its topic; the rest go, in topic and partition order, to the
    // subscribed member with the fewest; then partitions move from the most loaded member to a less loaded one
    // that subscribes to them until no two members that could trade differ by more than one.
    private static Dictionary<string, IReadOnlySet<GroupPartition>> AssignUniform(
        IReadOnlyList<AssignorMember> members,
        IReadOnlyDictionary<string, (Guid Id, int Partitions)> topics)
    {
        var ordered = members.OrderBy(m => m.MemberId, StringComparer.Ordinal).ToList();
        var owned = ordered.ToDictionary(m => m.MemberId, _ => new SortedSet<(string Topic, int Partition)>(), StringComparer.Ordinal);
        var candidates = new Dictionary<(string Topic, int Partition), List<AssignorMember>>();
        foreach (var (topic, (id, count)) in topics.OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            var subscribers = ordered.Where(m => m.Topics.Contains(topic)).ToList();
            for (var p = 0; p < count && subscribers.Count > 0; p++)
            {
                candidates[(topic, p)] = subscribers;
                var sticky = subscribers.Find(m => m.CurrentTarget.Contains(new GroupPartition(id, p)));
                if (sticky is not null)
                {
                    owned[sticky.MemberId].Add((topic, p));
                }
            }
        }

        foreach (var partition in candidates.Keys.Where(k => !owned.Values.Any(o => o.Contains(k))).OrderBy(k => k).ToList())
        {
            var least = candidates[partition].MinBy(m => owned[m.MemberId].Count)!;
            owned[least.MemberId].Add(partition);
        }

        // Each move lowers the sum of squared loads, so this ends.
        while (TryMoveOne(ordered, owned, candidates))
        {
        }

        return owned.ToDictionary(
            o => o.Key,
            o => (IReadOnlySet<GroupPartition>)o.Value.Select(p => new GroupPartition(topics[p.Topic].Id, p.Partition)).ToHashSet(),
            StringComparer.Ordinal);
    }

    private static bool TryMoveOne(
        List<AssignorMember> members,
        Dictionary<string, SortedSet<(string Topic, int Partition)>> owned,
        Dictionary<(string Topic, int Partition), List<AssignorMember>> candidates)
    {
        foreach (var from in members.OrderByDescending(m => owned[m.MemberId].Count))
        {
            // The last partitions move first, so a member keeps the lowest ones.
            foreach (var partition in owned[from.MemberId].Reverse())
            {
                var to = candidates[partition].Where(m => owned[m.MemberId].Count < owned[from.MemberId].Count - 1).MinBy(m => owned[m.MemberId].Count);
                if (to is not null)
                {
                    owned[from.MemberId].Remove(partition);
                    owned[to.MemberId].Add(partition);
                    return true;
                }
            }
        }

        return false;
    }

    // Range: per topic, the subscribed members in member id order take contiguous ranges, the first ones one more
    // partition when the count does not divide evenly (not sticky).
    private static Dictionary<string, IReadOnlySet<GroupPartition>> AssignRange(
        IReadOnlyList<AssignorMember> members,
        IReadOnlyDictionary<string, (Guid Id, int Partitions)> topics)
    {
        var assignment = members.ToDictionary(m => m.MemberId, _ => new HashSet<GroupPartition>(), StringComparer.Ordinal);
        foreach (var (topic, (id, count)) in topics)
        {
            var subscribers = members.Where(m => m.Topics.Contains(topic)).OrderBy(m => m.MemberId, StringComparer.Ordinal).ToList();
            var next = 0;
            for (var i = 0; i < subscribers.Count; i++)
            {
                var size = (count / subscribers.Count) + (i < count % subscribers.Count ? 1 : 0);
                assignment[subscribers[i].MemberId].UnionWith(Enumerable.Range(next, size).Select(p => new GroupPartition(id, p)));
                next += size;
            }
        }

        return assignment.ToDictionary(a => a.Key, a => (IReadOnlySet<GroupPartition>)a.Value, StringComparer.Ordinal);
    }
}

// What an assignor sees of a member: its id, the topics it subscribes (existing ones, regexes resolved) and its
// current target, for stickiness.
internal sealed record AssignorMember(string MemberId, IReadOnlySet<string> Topics, IReadOnlySet<GroupPartition> CurrentTarget);
