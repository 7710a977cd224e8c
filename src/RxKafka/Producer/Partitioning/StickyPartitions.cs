using RxKafka.Cluster;

namespace RxKafka.Producer.Partitioning;

/// <summary>
/// The sticky partition of each topic (KIP-480): records go to one partition until the producer says a
/// batch for it completed, then to another chosen at random. Only partitions with a leader are chosen while
/// any has one; when none has, any partition. Thread-safe: the sticky partition is one int per topic,
/// read on every record and changed by compare-and-swap, so two threads that finish the same batch move
/// it once.
/// </summary>
internal sealed class StickyPartitions
{
    private readonly PartitionerTopics<State> _topics = new();
    private readonly Random _random;

    // A Random other than Random.Shared is not thread-safe; sticky choices are rare, random ones (the random partitioner) are per record.
    private readonly object _gate = new();

    public StickyPartitions(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        _random = random;
    }

    /// <summary>The topic's sticky partition, choosing one when there is none or it has lost its leader.</summary>
    public int Current(TopicMetadata topic)
    {
        var state = _topics.Of(topic);
        var current = Volatile.Read(ref state.Partition);
        return current >= 0 && StillUsable(state, topic, current) ? current : Move(state, topic, current, leaving: -1);
    }

    /// <summary>
    /// A partition chosen at random for one record, not sticky (librdkafka's <c>random</c> partitioner):
    /// among the partitions with a leader, or any when none has one.
    /// </summary>
    public int Any(TopicMetadata topic)
    {
        var candidates = _topics.Of(topic).IndicesOf(topic).Candidates;
        return candidates[Next(candidates.Length)];
    }

    /// <summary>A batch for <paramref name="previousPartition"/> completed: when it is the sticky partition, move to another.</summary>
    public void OnNewBatch(TopicMetadata topic, int previousPartition)
    {
        var state = _topics.Of(topic);
        var current = Volatile.Read(ref state.Partition);

        // A batch of another partition (a keyed record's, or the sticky partition's before the last move) changes nothing.
        if (current >= 0 && current != previousPartition)
        {
            return;
        }

        Move(state, topic, current, leaving: previousPartition);
    }

    // The sticky partition stays while it has a leader, or while no partition has one.
    private static bool StillUsable(State state, TopicMetadata topic, int partition)
    {
        var metadata = topic.GetPartition(partition);
        return metadata is not null && (metadata.IsAvailable || state.IndicesOf(topic).Available.Length == 0);
    }

    private int Move(State state, TopicMetadata topic, int observed, int leaving)
    {
        var next = Choose(state.IndicesOf(topic).Candidates, leaving);
        var won = Interlocked.CompareExchange(ref state.Partition, next, observed);

        // Another thread moved it first: its choice stands.
        return won == observed ? next : won;
    }

    // Uniform over the candidates other than the one being left (when there is another).
    private int Choose(int[] candidates, int leaving)
    {
        var at = leaving >= 0 ? Array.IndexOf(candidates, leaving) : -1;
        if (at < 0 || candidates.Length == 1)
        {
            return candidates[Next(candidates.Length)];
        }

        var pick = Next(candidates.Length - 1);
        return candidates[pick < at ? pick : pick + 1];
    }

    private int Next(int below)
    {
        // Random.Shared is thread-safe, so the default producer's per-record choices take no lock.
        if (ReferenceEquals(_random, Random.Shared))
        {
            return _random.Next(below);
        }

        lock (_gate)
        {
            return _random.Next(below);
        }
    }

    private sealed class State : PartitionerTopicState
    {
        // The sticky partition, or -1 before the first record.
        public int Partition = -1;
    }
}
