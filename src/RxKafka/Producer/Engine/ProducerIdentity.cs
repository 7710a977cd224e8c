using RxKafka.Protocol;

namespace RxKafka.Producer.Engine;

/// <summary>
/// The idempotent producer's identity and sequence numbers (KIP-98): the producer id and epoch
/// from InitProducerId, and per partition the next sequence to hand out and the last one the broker
/// acknowledged. Sequences wrap at <see cref="int.MaxValue"/>, as Kafka's do. Thread-safe.
/// </summary>
internal sealed class ProducerIdentity
{
    private readonly object _gate = new();
    private readonly Dictionary<TopicPartition, (int Next, int LastAcked)> _sequences = new();

    /// <summary>The producer id, or -1 before InitProducerId answered.</summary>
    public long ProducerId { get; private set; } = -1;

    /// <summary>The producer epoch, or -1.</summary>
    public short Epoch { get; private set; } = -1;

    /// <summary>Whether InitProducerId has answered.</summary>
    public bool IsKnown => ProducerId >= 0;

    /// <summary>Takes a new id and epoch; every partition's sequence starts again at 0.</summary>
    public void Reset(long producerId, short epoch)
    {
        lock (_gate)
        {
            ProducerId = producerId;
            Epoch = epoch;
            _sequences.Clear();
        }
    }

    /// <summary>The base sequence for a batch of <paramref name="count"/> records sent for the first time.</summary>
    public int Assign(TopicPartition partition, int count)
    {
        lock (_gate)
        {
            var (next, lastAcked) = _sequences.TryGetValue(partition, out var s) ? s : (0, -1);
            _sequences[partition] = (Add(next, count), lastAcked);
            return next;
        }
    }

    /// <summary>The broker acknowledged a batch.</summary>
    public void Acknowledged(TopicPartition partition, int baseSequence, int count)
    {
        lock (_gate)
        {
            var (next, _) = _sequences.TryGetValue(partition, out var s) ? s : (0, -1);
            _sequences[partition] = (next, Add(baseSequence, count - 1));
        }
    }

    /// <summary>Whether a batch starting at <paramref name="baseSequence"/> is the next one the broker expects (none before it is unacknowledged).</summary>
    public bool IsNextExpected(TopicPartition partition, int baseSequence)
    {
        lock (_gate)
        {
            var lastAcked = _sequences.TryGetValue(partition, out var s) ? s.LastAcked : -1;
            return baseSequence == Add(lastAcked, 1);
        }
    }

    private static int Add(int sequence, int count) => (int)(((long)sequence + count) % ((long)int.MaxValue + 1));

    /// <summary>Errors after which the producer's epoch must be bumped and sequences start again (KIP-360).</summary>
    public static bool NeedsEpochBump(ErrorCode error) => error is ErrorCode.UnknownProducerId or ErrorCode.InvalidProducerEpoch;
}
