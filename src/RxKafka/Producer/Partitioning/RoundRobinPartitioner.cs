using RxKafka.Cluster;

namespace RxKafka.Producer.Partitioning;

/// <summary>
/// One record to each partition with a leader in turn, keys ignored, as the Java client's
/// <c>RoundRobinPartitioner</c>; over all partitions when none has a leader. Each topic has its own turn
/// counter, shared by every producing thread, so N records spread exactly evenly over the available
/// partitions whatever the threads. Completed batches do not skip a turn (<see cref="OnNewBatch"/> does nothing).
/// </summary>
/// <remarks>Thread-safe; allocates nothing per record once a topic has been seen.</remarks>
public sealed class RoundRobinPartitioner : IPartitioner
{
    private readonly PartitionerTopics<State> _topics = new();

    /// <inheritdoc/>
    public int Partition(TopicMetadata topic, ReadOnlySpan<byte> key, bool keyIsNull, int valueLength)
    {
        var state = _topics.Of(topic);
        var candidates = state.IndicesOf(topic).Candidates;

        // The turn wraps after 2^32 records; the cycle restarts there, nothing is torn.
        var turn = unchecked((uint)Interlocked.Increment(ref state.Turn) - 1u);
        return candidates[(int)(turn % (uint)candidates.Length)];
    }

    /// <inheritdoc/>
    public void OnNewBatch(TopicMetadata topic, int previousPartition)
    {
    }

    private sealed class State : PartitionerTopicState
    {
        // How many records of this topic were partitioned.
        public int Turn;
    }
}
