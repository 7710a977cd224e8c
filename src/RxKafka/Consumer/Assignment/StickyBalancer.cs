namespace RxKafka.Consumer.Assignment;

/// <summary>
/// The sticky assignors' algorithm (KIP-54's goals, our own code). Every member first keeps the partitions it owned
/// and still subscribes to; the partitions nobody keeps go, those with the fewest candidate members first, to the
/// candidate with the fewest partitions. Then the assignment is balanced by shifting partitions along chains: when a
/// member has at least two partitions more than a member it can reach (a hands one partition to a member that can
/// take it, which hands one on, ... to the last), one partition moves along each link of the chain. Chains that
/// move no kept partition are used up first; then the chain moving the fewest kept partitions is taken; each link
/// moves a partition placed in this round before a kept one.
/// </summary>
/// <remarks>
/// Each shift lowers the sum of squared assignment sizes, so balancing ends; it ends when no chain is left, which
/// is when that sum is the least any assignment of these subscriptions can have (a semi-matching without
/// cost-reducing paths is optimal: Harvey, Ladner, Lovász and Tamir, 2003). So with equal subscriptions sizes differ
/// by at most one, and whatever the subscriptions the result depends only on the sizes balance allows: a member
/// given the partitions it was assigned, minus some that were held back, gets them all back (cooperative-sticky
/// settles in two rounds), and an assignment fed back in comes out unchanged.
/// </remarks>
internal sealed partial class StickyBalancer
{
    private readonly List<string> _members;
    private readonly Dictionary<string, List<int>> _candidates = new(StringComparer.Ordinal);
    private readonly List<HashSet<TopicPartition>> _assigned;
    private readonly Dictionary<TopicPartition, int> _previousOwner = [];

    private StickyBalancer(List<string> members)
    {
        _members = members;
        _assigned = [.. members.Select(_ => new HashSet<TopicPartition>())];
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
        // Chains that move no kept partition first, from any member: only when none is left may a kept one move.
        while (balancer.TryShiftAlongChain(keptMoves: 0) || balancer.TryShiftAlongChain(keptMoves: int.MaxValue))
        {
        }

        var result = new Dictionary<string, List<TopicPartition>>(StringComparer.Ordinal);
        for (var m = 0; m < members.Count; m++)
        {
            result[members[m]] = [.. balancer._assigned[m].Order(PartitionOrder.Instance)];
        }

        return result;
    }

    private bool IsKept(int member, TopicPartition partition) =>
        _previousOwner.TryGetValue(partition, out var owner) && owner == member;

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
                    _previousOwner[partition] = m;
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
            var emptiest = _candidates[partition.Topic].MinBy(m => _assigned[m].Count);
            _assigned[emptiest].Add(partition);
        }
    }
}
