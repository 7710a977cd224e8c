using RxKafka.Reactive;

namespace RxKafka.Consumer.Engine;

// The faces' side: taking fetched chunks, giving them back, waiting for more.
internal sealed partial class FetchEngine
{
    /// <summary>Told, outside the gate, when a partition gets a chunk to deliver (the per-partition face listens).</summary>
    public Action<PartitionState>? ChunkArrived { get; set; }

    private int _outstanding;
    private DateTimeOffset _lastActivity;
    private Exception? _fatal;

    /// <summary>The error that ended the consumer's group membership for good (fenced, not authorized), or null.</summary>
    public Exception? Fatal => Volatile.Read(ref _fatal);

    /// <summary>Ends every face with <paramref name="error"/> at its next take.</summary>
    public void SetFatal(Exception error)
    {
        Volatile.Write(ref _fatal, error);
        Signal();
    }

    /// <summary>
    /// Whether the application has held taken records for longer than <paramref name="limit"/> without taking or
    /// giving back any (Kafka's <c>max.poll.interval.ms</c>); a face waiting for records is not stuck.
    /// </summary>
    public bool IsStuck(TimeSpan limit)
    {
        lock (_gate)
        {
            return _outstanding > 0 && Scheduler.Now - _lastActivity > limit;
        }
    }

    /// <summary>The next chunk to deliver, round-robin across partitions; stale chunks are dropped on the way.</summary>
    /// <exception cref="KafkaException">The consumer's membership ended for good (<see cref="Fatal"/>).</exception>
    public bool TryTake(out FetchedChunk chunk)
    {
        if (Fatal is { } fatal)
        {
            throw fatal;
        }

        lock (_gate)
        {
            while (_ready.TryDequeue(out var state))
            {
                state.Queued = false;
                if (TakeFrom(state, out chunk))
                {
                    return true;
                }
            }
        }

        chunk = null!;
        return false;
    }

    /// <summary>The next chunk of <paramref name="state"/>'s partition, for a face that delivers partitions separately.</summary>
    public bool TryTake(PartitionState state, out FetchedChunk chunk)
    {
        if (Fatal is { } fatal)
        {
            throw fatal;
        }

        lock (_gate)
        {
            return TakeFrom(state, out chunk);
        }
    }

    /// <summary>
    /// Gives a taken chunk back. <paramref name="stoppedAt"/> null: it was read to its end, and the position
    /// moves past it (control batches and aborted transactions at its end included). Otherwise the face
    /// stopped early (an exception, a disposed enumerator) and the partition goes back to
    /// <paramref name="stoppedAt"/>, the first offset not handed over: the rest is fetched again, never lost.
    /// </summary>
    public void Release(FetchedChunk chunk, long? stoppedAt = null)
    {
        bool wake;
        lock (_gate)
        {
            var state = chunk.State;
            var wasFull = IsOverBound(state);
            Interlocked.Add(ref _bufferedBytes, -chunk.Size);
            state.BufferedBytes -= chunk.Size;
            _outstanding--;
            _lastActivity = Scheduler.Now;
            if (state.Version == chunk.Version && !state.Revoked)
            {
                if (stoppedAt is { } at)
                {
                    // The position stays where delivery stopped: what was handed over still waits for its acknowledgements.
                    SetPosition(state, at, state.Lookup, keepAcknowledgements: true);
                }
                else if (chunk.NextOffset > Volatile.Read(ref state.Delivered))
                {
                    Volatile.Write(ref state.Delivered, chunk.NextOffset);
                    if (state.Acks is { } acks)
                    {
                        acks.DeliveredThrough(chunk.NextOffset);
                    }
                    else
                    {
                        Volatile.Write(ref state.Processed, chunk.NextOffset);
                    }
                }

                if (state.Chunks.Count > 0 && !state.Paused && !state.Queued)
                {
                    state.Queued = true;
                    _ready.Enqueue(state);
                }
            }

            wake = stoppedAt is not null || (wasFull && !IsOverBound(state));
        }

        // The face has read what it will read of the chunk: its records go back to the pool (if this was the last chunk of the response).
        chunk.ReturnFrame();
        if (wake)
        {
            WakeAll();
        }
    }

    /// <summary>Completes when there may be a chunk to take (or the engine is disposed).</summary>
    public Task WaitAsync(CancellationToken cancellationToken)
    {
        Task task;
        lock (_gate)
        {
            _lastActivity = Scheduler.Now;
            if (_ready.Count > 0 || _disposed || Fatal is not null)
            {
                return Task.CompletedTask;
            }

            task = _available.Task;
        }

        return cancellationToken.CanBeCanceled ? task.WaitAsync(cancellationToken) : task;
    }

    // Under the gate: appends a chunk to its partition and makes the partition ready.
    private void Enqueue(PartitionState state, FetchedChunk chunk)
    {
        state.Chunks.Enqueue(chunk);
        state.BufferedBytes += chunk.Size;
        Interlocked.Add(ref _bufferedBytes, chunk.Size);
        if (!state.Paused && !state.Queued)
        {
            state.Queued = true;
            _ready.Enqueue(state);
        }
    }

    // Outside the gate: wakes whoever waits for chunks.
    private void Signal()
    {
        TaskCompletionSource signal;
        lock (_gate)
        {
            signal = _available;
            _available = NewSignal(Scheduler);
        }

        signal.TrySetResult();
    }

    private bool TakeFrom(PartitionState state, out FetchedChunk chunk)
    {
        while (Deliverable(state))
        {
            if (!state.Chunks.TryPeek(out chunk!))
            {
                break;
            }

            if (chunk.Version == state.Version && !state.Revoked)
            {
                state.Chunks.Dequeue();
                _outstanding++;
                _lastActivity = Scheduler.Now;
                return true;
            }

            // Stale: a seek or a reset came after it was fetched.
            state.Chunks.Dequeue();
            state.BufferedBytes -= chunk.Size;
            Interlocked.Add(ref _bufferedBytes, -chunk.Size);
            chunk.ReturnFrame();
        }

        chunk = null!;
        return false;
    }

    // Not paused, and (with acknowledgements) not holding the most unacknowledged records allowed: bounded.
    private bool Deliverable(PartitionState state) => !state.Paused && !AtAcknowledgementBound(state);

    /// <summary>Whether the partition holds as many unacknowledged records as allowed: a face stops delivering it there.</summary>
    public bool AtAcknowledgementBound(PartitionState state) => state.Acks is { } acks && acks.Pending >= Options.MaxPendingAcknowledgements;

    /// <summary>
    /// The application acknowledged a record of <paramref name="state"/> (R9): false when the record belongs to
    /// an assignment that is over (revoked, reassigned, sought past), which is dropped, never an error.
    /// </summary>
    public bool Acknowledge(PartitionState state, long offset)
    {
        if (state.Acks is not { } acks || state.Revoked || !acks.Acknowledge(offset))
        {
            return false;
        }

        // A partition held at the bound may deliver again.
        if (acks.Pending == Options.MaxPendingAcknowledgements - 1 && state.Chunks.Count > 0)
        {
            lock (_gate)
            {
                if (!state.Queued && Deliverable(state))
                {
                    state.Queued = true;
                    _ready.Enqueue(state);
                }
            }

            ChunkArrived?.Invoke(state);
            Signal();
        }

        return true;
    }

    // Under the gate: whether the prefetch bound keeps this partition (or every partition) from being fetched.
    private bool IsOverBound(PartitionState state) => state.BufferedBytes >= Options.MaxPartitionFetchBytes || IsFull();

    // Continuations of a wait run on the thread pool, never on the sink's executor that signalled, except in
    // virtual time, where a test's thread advancing the clock must see them at the tick they happen.
    internal static TaskCompletionSource NewSignal(System.Reactive.Concurrency.IScheduler scheduler) =>
        new(SerialExecutor.IsVirtualTime(scheduler) ? TaskCreationOptions.None : TaskCreationOptions.RunContinuationsAsynchronously);
}
