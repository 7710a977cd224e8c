namespace RxKafka.Consumer.Assignment;

/// <summary>The balancing step of <see cref="StickyBalancer"/>: finding and shifting along a chain.</summary>
internal sealed partial class StickyBalancer
{
    /// <summary>
    /// Finds a chain from a member to one with at least two partitions fewer, moving at most
    /// <paramref name="keptMoves"/> kept partitions, and shifts one partition along each link.
    /// </summary>
    private bool TryShiftAlongChain(int keptMoves)
    {
        if (_members.Count == 0)
        {
            return false;
        }

        var fewest = _assigned.Min(a => a.Count);
        var sources = Enumerable.Range(0, _members.Count).OrderByDescending(m => _assigned[m].Count).ThenBy(m => m);
        foreach (var source in sources)
        {
            if (_assigned[source].Count - fewest < 2)
            {
                // Sources come largest first: no later one can start a chain either.
                return false;
            }

            if (FindChain(source, keptMoves) is { } chain)
            {
                // From the end back, so that every giver still holds what the search saw it hold.
                for (var i = chain.Count - 1; i >= 0; i--)
                {
                    var (from, to, topic) = chain[i];
                    var partition = _assigned[from]
                        .Where(p => p.Topic == topic)
                        .OrderBy(p => IsKept(from, p))
                        .ThenBy(p => p, PartitionOrder.Instance)
                        .First();
                    _assigned[from].Remove(partition);
                    _assigned[to].Add(partition);
                }

                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The chain from <paramref name="source"/> to a member with at least two partitions fewer that moves the fewest
    /// kept partitions, no more than <paramref name="keptMoves"/> (then: to the emptiest such member, then the first in member order), as its links; null when
    /// none is reachable. A 0-1 breadth-first search: a link costs one when the giver holds only kept partitions of
    /// the topic that links it to the taker.
    /// </summary>
    private List<(int From, int To, string Topic)>? FindChain(int source, int keptMoves)
    {
        var count = _members.Count;
        var cost = Enumerable.Repeat(int.MaxValue, count).ToArray();
        var via = new (int From, string Topic)[count];
        var queue = new LinkedList<int>();
        cost[source] = 0;
        queue.AddFirst(source);
        while (queue.First is { } first)
        {
            var member = first.Value;
            queue.RemoveFirst();
            foreach (var (topic, onlyKept) in TopicsHeldBy(member))
            {
                var linkCost = cost[member] + (onlyKept ? 1 : 0);
                foreach (var taker in _candidates[topic])
                {
                    if (linkCost < cost[taker])
                    {
                        cost[taker] = linkCost;
                        via[taker] = (member, topic);
                        if (onlyKept)
                        {
                            queue.AddLast(taker);
                        }
                        else
                        {
                            queue.AddFirst(taker);
                        }
                    }
                }
            }
        }

        var limit = _assigned[source].Count - 2;
        var target = Enumerable.Range(0, count)
            .Where(m => m != source && cost[m] != int.MaxValue && cost[m] <= keptMoves && _assigned[m].Count <= limit)
            .OrderBy(m => cost[m]).ThenBy(m => _assigned[m].Count).ThenBy(m => m)
            .Select(m => (int?)m)
            .FirstOrDefault();
        if (target is not { } end)
        {
            return null;
        }

        var chain = new List<(int, int, string)>();
        for (var at = end; at != source; at = via[at].From)
        {
            chain.Add((via[at].From, at, via[at].Topic));
        }

        chain.Reverse();
        return chain;
    }

    // The topics a member holds partitions of, and whether all it holds of each are partitions it kept.
    private IEnumerable<(string Topic, bool OnlyKept)> TopicsHeldBy(int member) =>
        _assigned[member]
            .GroupBy(p => p.Topic, StringComparer.Ordinal)
            .Select(g => (g.Key, g.All(p => IsKept(member, p))));
}
