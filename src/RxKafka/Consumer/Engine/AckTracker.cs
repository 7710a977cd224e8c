namespace RxKafka.Consumer.Engine;

/// <summary>
/// Out-of-order acknowledgement for one partition's assignment (R9, <c>enable.auto.offset.store=false</c>):
/// records are acknowledged in any order as concurrent processing finishes them, and what a commit commits
/// is only the contiguous prefix: the offset after the last record before the first one not acknowledged.
/// Bounded: a face stops taking this partition's records while <see cref="Pending"/> is at the bound.
/// </summary>
/// <remarks>
/// Delivery (one face's thread) and acknowledgement (any thread) meet under the tracker's own lock; it is
/// short and uncontended in the common case. The tracker belongs to one assignment of the partition: an
/// acknowledgement of a record delivered under an earlier assignment finds a different tracker and is dropped.
/// </remarks>
internal sealed class AckTracker
{
    private readonly object _gate = new();
    private readonly Queue<long> _delivered = new();
    private readonly HashSet<long> _acked = [];
    private readonly PartitionState _state;
    private long _last = -1;

    public AckTracker(PartitionState state) => _state = state;

    /// <summary>Records delivered and not yet acknowledged.</summary>
    public int Pending
    {
        get
        {
            lock (_gate)
            {
                return _delivered.Count - _acked.Count;
            }
        }
    }

    /// <summary>A record at <paramref name="offset"/> was handed to the application.</summary>
    public void Delivered(long offset)
    {
        lock (_gate)
        {
            _delivered.Enqueue(offset);
            _last = offset;
        }
    }

    /// <summary>
    /// The face read a chunk to its end: offsets up to <paramref name="nextOffset"/> that were not records
    /// (control batches, aborted transactions) count as acknowledged once everything before them is.
    /// </summary>
    public void DeliveredThrough(long nextOffset)
    {
        lock (_gate)
        {
            if (nextOffset - 1 > _last)
            {
                _delivered.Enqueue(nextOffset - 1);
                _acked.Add(nextOffset - 1);
                _last = nextOffset - 1;
            }

            Advance();
        }
    }

    /// <summary>The application is done with the record at <paramref name="offset"/>.</summary>
    /// <returns>False when no record at that offset is waiting (already acknowledged, or never delivered here).</returns>
    public bool Acknowledge(long offset)
    {
        lock (_gate)
        {
            // Offsets are delivered in increasing order, so the waiting ones lie between the head and the last.
            if (!_delivered.TryPeek(out var head) || offset < head || offset > _last || !_acked.Add(offset))
            {
                return false;
            }

            Advance();
            return true;
        }
    }

    /// <summary>The position moved (a seek, a reset): nothing delivered before counts any more.</summary>
    public void Reset()
    {
        lock (_gate)
        {
            _delivered.Clear();
            _acked.Clear();
            _last = -1;
        }
    }

    // Under the lock: the acknowledged prefix becomes what a commit commits.
    private void Advance()
    {
        var moved = false;
        long next = 0;
        while (_delivered.TryPeek(out var head) && _acked.Remove(head))
        {
            _delivered.Dequeue();
            next = head + 1;
            moved = true;
        }

        if (moved && next > Volatile.Read(ref _state.Processed))
        {
            Volatile.Write(ref _state.Processed, next);
        }
    }
}
