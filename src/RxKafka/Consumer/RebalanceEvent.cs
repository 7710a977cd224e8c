namespace RxKafka.Consumer;

/// <summary>
/// A change to a group member's partitions (R8), on <see cref="KafkaConsumer{TKey, TValue}.Rebalances"/>:
/// <see cref="PartitionsAssigned"/>, <see cref="PartitionsRevoked"/> (the application may finish work and
/// commit before they go) or <see cref="PartitionsLost"/> (already owned by someone else: nothing of them may
/// be committed).
/// </summary>
public abstract class RebalanceEvent
{
    private protected RebalanceEvent(IReadOnlyList<TopicPartition> partitions, int generationId)
    {
        Partitions = partitions;
        GenerationId = generationId;
    }

    /// <summary>The partitions concerned.</summary>
    public IReadOnlyList<TopicPartition> Partitions { get; }

    /// <summary>The group generation the change belongs to.</summary>
    public int GenerationId { get; }

    /// <inheritdoc/>
    public override string ToString() => $"{GetType().Name} generation {GenerationId}: [{string.Join(", ", Partitions)}]";
}

/// <summary>Partitions the member now owns; records of them follow from their committed offsets.</summary>
public sealed class PartitionsAssigned : RebalanceEvent
{
    internal PartitionsAssigned(IReadOnlyList<TopicPartition> partitions, int generationId)
        : base(partitions, generationId)
    {
    }
}

/// <summary>
/// Partitions the member gives up. The revocation waits for every task handed to <see cref="Defer"/> (up to
/// the rebalance timeout, <c>max.poll.interval.ms</c>), then commits what was processed of them (with
/// auto-commit on), then completes: the place to finish in-flight work and commit (R8).
/// </summary>
public sealed class PartitionsRevoked : RebalanceEvent
{
    private readonly List<Task> _deferred = [];

    internal PartitionsRevoked(IReadOnlyList<TopicPartition> partitions, int generationId)
        : base(partitions, generationId)
    {
    }

    /// <summary>Makes the revocation wait for <paramref name="work"/> (call it from the event's observer, before it returns).</summary>
    /// <param name="work">Work that must finish while the member still owns the partitions.</param>
    public void Defer(Task work)
    {
        ArgumentNullException.ThrowIfNull(work);
        lock (_deferred)
        {
            _deferred.Add(work);
        }
    }

    internal Task[] Deferred()
    {
        lock (_deferred)
        {
            return [.. _deferred];
        }
    }
}

/// <summary>Partitions the member lost without a revocation (its session expired, it was fenced): they may already be someone else's.</summary>
public sealed class PartitionsLost : RebalanceEvent
{
    internal PartitionsLost(IReadOnlyList<TopicPartition> partitions, int generationId)
        : base(partitions, generationId)
    {
    }
}
