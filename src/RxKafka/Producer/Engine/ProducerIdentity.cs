
namespace RxKafka.Producer.Engine;

/// <summary>
/// The idempotent producer's identity and sequence numbers (KIP-98): the producer id and epoch
/// from InitProducerId, and per partition the epoch its sequences belong to, the next sequence to hand
/// out and the last one the broker acknowledged. Sequences wrap at <see cref="int.MaxValue"/>, as
/// Kafka's do. Thread-safe.
/// </summary>
/// <remarks>
/// An epoch bump (KIP-360) moves a partition to the new epoch only when it must (its sequence has a hole
/// or the broker lost its state: <see cref="Bump"/> names those) or when its old-epoch batches are all
/// done (<see cref="IsCurrent"/>, checked before a new batch is given a sequence). A partition whose
/// batches were sent and may have been stored keeps retrying them with their old epoch and sequence, so
/// the broker can still recognise them as duplicates: rewriting them under the new epoch would store
/// them twice (P2). The Java client keeps its sequences per partition for the same reason.
/// </remarks>
internal sealed class ProducerIdentity
{
    private readonly object _gate = new();
    private readonly Dictionary<TopicPartition, (short Epoch, int Next, int LastAcked)> _sequences = new();

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

    /// <summary>
    /// Bumps the epoch (KIP-360): the partitions of <paramref name="rewrite"/> start again at sequence 0 in
    /// the new epoch at once; every other partition moves to it once its old-epoch batches are done.
    /// </summary>
    public void Bump(short epoch, IEnumerable<TopicPartition> rewrite)
    {
        lock (_gate)
        {
            Epoch = epoch;
            foreach (var partition in rewrite)
            {
                _sequences.Remove(partition);
            }
        }
    }

    /// <summary>Whether the partition's sequences belong to the current epoch (or it has none yet): a new batch may take one at once.</summary>
    public bool IsCurrent(TopicPartition partition)
    {
        lock (_gate)
        {
            return !_sequences.TryGetValue(partition, out var s) || s.Epoch == Epoch;
        }
    }

    /// <summary>
    /// The epoch and base sequence for a batch of <paramref name="count"/> records sent for the first time;
    /// a partition still on an older epoch starts again at 0 in the current one (call it only when its
    /// old-epoch batches are done).
    /// </summary>
    public (short Epoch, int BaseSequence) Assign(TopicPartition partition, int count)
    {
        lock (_gate)
        {
            var (epoch, next, lastAcked) = _sequences.TryGetValue(partition, out var s) && s.Epoch == Epoch ? s : (Epoch, 0, -1);
            _sequences[partition] = (epoch, Add(next, count), lastAcked);
            return (epoch, next);
        }
    }

    /// <summary>The broker acknowledged a batch sent with <paramref name="epoch"/> (one of an epoch the partition has left changes nothing).</summary>
    public void Acknowledged(TopicPartition partition, short epoch, int baseSequence, int count)
    {
        lock (_gate)
        {
            if (_sequences.TryGetValue(partition, out var s) && s.Epoch == epoch)
            {
                _sequences[partition] = (epoch, s.Next, Add(baseSequence, count - 1));
            }
        }
    }

    /// <summary>Whether a batch of <paramref name="epoch"/> starting at <paramref name="baseSequence"/> is the next one the broker expects (none before it is unacknowledged).</summary>
    public bool IsNextExpected(TopicPartition partition, short epoch, int baseSequence)
    {
        lock (_gate)
        {
            var (current, _, lastAcked) = _sequences.TryGetValue(partition, out var s) ? s : (Epoch, 0, -1);
            return current == epoch && baseSequence == Add(lastAcked, 1);
        }
    }

    /// <summary>Whether <paramref name="epoch"/> is the one the partition's sequences belong to now.</summary>
    public bool IsPartitionEpoch(TopicPartition partition, short epoch)
    {
        lock (_gate)
        {
            return (_sequences.TryGetValue(partition, out var s) ? s.Epoch : Epoch) == epoch;
        }
    }

    private static int Add(int sequence, int count) => (int)(((long)sequence + count) % ((long)int.MaxValue + 1));

    /// <summary>Errors after which the producer's epoch must be bumped and the partition's sequences start again (KIP-360).</summary>
    public static bool NeedsEpochBump(ErrorCode error) => error is ErrorCode.UnknownProducerId or ErrorCode.InvalidProducerEpoch;
}
