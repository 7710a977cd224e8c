using System.Collections.Concurrent;
using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using RxKafka.Protocol.Records;

namespace RxKafka.Producer.Engine;

/// <summary>
/// The producer's batches, one queue per partition (I2). Records append to the partition's open
/// batch; a batch may be sent once it is full (<c>batch.size</c>), once <c>linger.ms</c> has passed
/// since its first record, or when a flush or close asks for everything. The accumulator only keeps
/// batches and says when a partition has one worth sending (the ready callback); the sender
/// drains them. Every time is the scheduler's: one linger timer per batch, none per record.
/// </summary>
internal sealed class RecordAccumulator : IDisposable
{
    private readonly ProducerOptions _options;
    private readonly IScheduler _scheduler;
    private readonly Action<TopicPartition, bool> _ready;
    private readonly ConcurrentDictionary<TopicPartition, PartitionQueue> _queues = new();
    private readonly Action<ProducerBatch, Exception> _expired;
    private readonly Func<DateTimeOffset, KafkaConnectionException?>? _failuresSince;
    private readonly System.Buffers.ArrayPool<byte> _buffers;
    private TopicPartition[] _partitionArray = [];
    private long _nextBatchId;
    private int _flushing;
    private bool _closed;

    /// <param name="options">batch.size, linger.ms.</param>
    /// <param name="scheduler">Where linger timers run.</param>
    /// <param name="ready">
    /// Told (outside any lock) when a partition has a batch that may be sent; true when a linger timer tells
    /// it (library work on a pool thread, where the sink's pass may run at once instead of being handed off).
    /// </param>
    /// <param name="expired">Given a batch still queued when its delivery timeout passed (taken out of the queue), with the error for its records.</param>
    /// <param name="failuresSince">The client's connection failures since a time, named by an expired batch's error; or null.</param>
    public RecordAccumulator(ProducerOptions options, IScheduler scheduler, Action<TopicPartition, bool> ready, Action<ProducerBatch, Exception>? expired = null, Func<DateTimeOffset, KafkaConnectionException?>? failuresSince = null)
    {
        _failuresSince = failuresSince;
        _options = options;
        _scheduler = scheduler;
        _ready = ready;
        _expired = expired ?? ((batch, _) => batch.Dispose());
        // The producer's own pool of batch buffers: the shared pool keeps only a few arrays of each
        // size per core, far fewer than buffer.memory holds when sends run ahead of the brokers.
        // The largest buffer is a batch of max.request.size compressed: the codecs ask for their worst
        // case (snappy's is n + n/6 + 32), which must come from the pool too.
        var batch = Math.Max(options.BatchSize, options.MaxRequestSize) + (long)RecordBatch.HeaderSize;
        var largest = (int)Math.Min(int.MaxValue / 2, batch + (batch / 6) + 1024);
        var perBucket = (int)Math.Clamp(options.BufferMemory / Math.Max(Math.Min(options.BatchSize, InitialBufferBytes), 1024) + 16, 16, 4096);
        _buffers = System.Buffers.ArrayPool<byte>.Create(largest, perBucket);
    }

    // A batch's buffer starts at this size (or batch.size, when smaller) and doubles as records come:
    // with a large batch.size, batches that linger.ms closes early do not hold a full batch.size each.
    private const int InitialBufferBytes = 64 * 1024;

    private int InitialCapacity(int recordSize) =>
        Math.Max(recordSize + RecordBatch.HeaderSize, Math.Min(_options.BatchSize + RecordBatch.HeaderSize, InitialBufferBytes));

    /// <summary>The partitions that have batches (for the sender's drain and for flush).</summary>
    public IEnumerable<TopicPartition> Partitions => _queues.Keys;

    /// <summary>
    /// Every partition queue so far, as an array that only grows (a new one is made when a partition is
    /// first seen): a sink walks it from a rotating start without allocating.
    /// </summary>
    public TopicPartition[] PartitionArray => Volatile.Read(ref _partitionArray);

    /// <summary>
    /// Appends a record to its partition's open batch, opening a new one when there is none or the
    /// record would overflow <c>batch.size</c> (a record larger than batch.size gets a batch of its own).
    /// </summary>
    /// <returns>Whether the record opened a new batch (sticky partitioners move on when a batch is complete).</returns>
    public bool Append(TopicPartition partition, long timestamp, ReadOnlySpan<byte> key, bool keyIsNull, ReadOnlySpan<byte> value, bool valueIsNull, ReadOnlySpan<RecordHeader> headers, IDeliveryCallback? callback, int size)
        => Append(partition, timestamp, key, keyIsNull, value, valueIsNull, headers, callback, size, out _);

    /// <summary>Appends a record as the overload without <paramref name="batchId"/> does, and says which batch it joined.</summary>
    public bool Append(TopicPartition partition, long timestamp, ReadOnlySpan<byte> key, bool keyIsNull, ReadOnlySpan<byte> value, bool valueIsNull, ReadOnlySpan<RecordHeader> headers, IDeliveryCallback? callback, int size, out long batchId)
        => Append(partition, timestamp, key, keyIsNull, value, valueIsNull, headers, callback, size, mayOpen: true, out batchId) == AppendResult.Opened;

    /// <summary>
    /// Appends a record to its partition's open batch if it fits there; false, changing nothing, when
    /// it would open a new batch (KIP-480: the sticky partitioner moves on first, then the record is
    /// appended with <see cref="Append(TopicPartition, long, ReadOnlySpan{byte}, bool, ReadOnlySpan{byte}, bool, ReadOnlySpan{RecordHeader}, IDeliveryCallback?, int, out long)"/>).
    /// One lock for both the question and the append.
    /// </summary>
    public bool TryAppendToOpenBatch(TopicPartition partition, long timestamp, ReadOnlySpan<byte> key, bool keyIsNull, ReadOnlySpan<byte> value, bool valueIsNull, ReadOnlySpan<RecordHeader> headers, IDeliveryCallback? callback, int size, out long batchId)
        => Append(partition, timestamp, key, keyIsNull, value, valueIsNull, headers, callback, size, mayOpen: false, out batchId) == AppendResult.Appended;

    private enum AppendResult
    {
        Appended,
        Opened,
        WouldOpen,
    }

    private AppendResult Append(TopicPartition partition, long timestamp, ReadOnlySpan<byte> key, bool keyIsNull, ReadOnlySpan<byte> value, bool valueIsNull, ReadOnlySpan<RecordHeader> headers, IDeliveryCallback? callback, int size, bool mayOpen, out long batchId)
    {
        var queue = _queues.GetOrAdd(partition, static (tp, accumulator) => accumulator.NewQueue(tp), this);
        bool opened, readyNow = false;
        lock (queue)
        {
            ObjectDisposedException.ThrowIf(_closed, this);
            var open = queue.Open;
            if (!mayOpen && (open is null || (open.Count > 0 && open.SizeInBytes + size > _options.BatchSize)))
            {
                batchId = 0;
                return AppendResult.WouldOpen;
            }

            if (open is not null && open.Count > 0 && open.SizeInBytes + size > _options.BatchSize)
            {
                // Full: close it and start another.
                open.IsClosed = true;
                queue.Open = open = null;
                readyNow = true;
            }

            opened = open is null;
            if (open is null)
            {
                open = new ProducerBatch(partition, _scheduler.Now, InitialCapacity(size), Interlocked.Increment(ref _nextBatchId), _buffers);
                queue.Batches.AddLast(open);
                queue.Open = open;
                ScheduleLinger(queue, open);
                ScheduleExpiry(queue, open);
            }

            open.Append(timestamp, key, keyIsNull, value, valueIsNull, headers, callback);
            open.ReservedBytes += size;
            batchId = open.Id;
            if (open.SizeInBytes >= _options.BatchSize)
            {
                open.IsClosed = true;
                queue.Open = null;
                readyNow = true;
            }
        }

        if (readyNow || (opened && _options.Linger == TimeSpan.Zero))
        {
            _ready(partition, false);
        }

        return opened ? AppendResult.Opened : AppendResult.Appended;
    }

    /// <summary>The id of the newest batch made so far (0 before any).</summary>
    public long LastBatchId => Interlocked.Read(ref _nextBatchId);

    /// <summary>
    /// The partition's first batch if it may be sent now (full, lingered, flushing or closing, and past
    /// any retry backoff); it is taken out of the queue and closed to appends.
    /// </summary>
    /// <param name="partition">The partition.</param>
    /// <param name="now">The scheduler's time.</param>
    /// <param name="nodeId">
    /// The broker it is for: while batches of the partition are in flight to another broker (its old
    /// leader), none is taken for this one until they are done (<see cref="Done"/>), so that a later batch
    /// never reaches the new leader before an earlier one the old leader turns away (P1); -1 to ignore.
    /// </param>
    /// <param name="maxBytes">A batch larger than this stays (it would not fit in the request being made).</param>
    public ProducerBatch? TakeReady(TopicPartition partition, DateTimeOffset now, int nodeId = -1, int maxBytes = int.MaxValue)
    {
        if (!_queues.TryGetValue(partition, out var queue))
        {
            return null;
        }

        lock (queue)
        {
            if (queue.Batches.First?.Value is not { } first || !IsReady(first, now) || (nodeId >= 0 && queue.InFlight > 0 && queue.InFlightTo != nodeId) || first.SizeInBytes > maxBytes)
            {
                return null;
            }

            if (nodeId >= 0)
            {
                queue.InFlight++;
                queue.InFlightTo = nodeId;
            }

            queue.Batches.RemoveFirst();
            first.IsClosed = true;
            first.CancelTimers();
            if (ReferenceEquals(queue.Open, first))
            {
                queue.Open = null;
            }

            return first;
        }
    }

    /// <summary>Whether the partition's first batch may be sent now (to <paramref name="nodeId"/>: see <see cref="TakeReady"/>).</summary>
    public bool HasReady(TopicPartition partition, DateTimeOffset now, int nodeId = -1)
    {
        if (!_queues.TryGetValue(partition, out var queue))
        {
            return false;
        }

        lock (queue)
        {
            return queue.Batches.First?.Value is { } first && IsReady(first, now) && (nodeId < 0 || queue.InFlight == 0 || queue.InFlightTo == nodeId);
        }
    }

    /// <summary>
    /// A batch taken for a broker (<see cref="TakeReady"/> with a node id) is no longer in flight: answered,
    /// requeued or failed. Returns true when it was the partition's last one in flight (another broker may
    /// now take the partition's batches).
    /// </summary>
    public bool Done(TopicPartition partition)
    {
        if (!_queues.TryGetValue(partition, out var queue))
        {
            return false;
        }

        lock (queue)
        {
            queue.InFlight--;
            return queue.InFlight == 0;
        }
    }

    /// <summary>
    /// Puts batches back for a retry, each in creation order among the partition's queued batches,
    /// so a partition's batches always go out in the order they were made (and so in sequence order).
    /// </summary>
    public void Requeue(IReadOnlyList<ProducerBatch> batches)
    {
        foreach (var batch in batches)
        {
            var queue = _queues.GetOrAdd(batch.Partition, static (tp, accumulator) => accumulator.NewQueue(tp), this);
            lock (queue)
            {
                var node = queue.Batches.First;
                while (node is not null && node.Value.Id < batch.Id)
                {
                    node = node.Next;
                }

                if (node is null)
                {
                    queue.Batches.AddLast(batch);
                }
                else
                {
                    queue.Batches.AddBefore(node, batch);
                }

                // Waiting again: it expires at the same tick it would have before it was sent.
                ScheduleExpiry(queue, batch);
            }
        }
    }

    /// <summary>
    /// The retry backoff of <paramref name="batch"/>, requeued after attempt <paramref name="attempts"/>,
    /// is over (its timer fired): it may be sent whatever the clock says, since a real clock's timer
    /// may fire a little before <see cref="ProducerBatch.RetryNotBefore"/>. A timer of an older attempt changes nothing.
    /// </summary>
    public void EndBackoff(ProducerBatch batch, int attempts)
    {
        var queue = _queues.GetOrAdd(batch.Partition, static (tp, accumulator) => accumulator.NewQueue(tp), this);
        lock (queue)
        {
            if (batch.Attempts == attempts)
            {
                batch.RetryNotBefore = DateTimeOffset.MinValue;
            }
        }
    }

    /// <summary>Whether the partition's first batch has never been sent while batches of it are in flight.</summary>
    public bool FirstIsNewWhileInFlight(TopicPartition partition)
    {
        if (!_queues.TryGetValue(partition, out var queue))
        {
            return false;
        }

        lock (queue)
        {
            return queue.InFlight > 0 && queue.Batches.First?.Value is { IsBuilt: false };
        }
    }

    /// <summary>
    /// After a new producer id, or an epoch bump for <paramref name="partitions"/> (all when null): their
    /// queued batches that were sent before get a new producer epoch and sequence when sent again.
    /// </summary>
    public void ForgetSequences(IReadOnlyCollection<TopicPartition>? partitions = null)
    {
        foreach (var queue in _queues.Values)
        {
            if (partitions is not null && !partitions.Contains(queue.Partition))
            {
                continue;
            }

            lock (queue)
            {
                foreach (var batch in queue.Batches)
                {
                    batch.Unbuild();
                }
            }
        }
    }

    /// <summary>Every batch queued now may be sent at once (flush); undone by <see cref="EndFlush"/>.</summary>
    public void BeginFlush()
    {
        Interlocked.Increment(ref _flushing);
        foreach (var partition in _queues.Keys)
        {
            _ready(partition, false);
        }
    }

    /// <summary>Ends one <see cref="BeginFlush"/>.</summary>
    public void EndFlush() => Interlocked.Decrement(ref _flushing);

    /// <summary>Takes every queued batch out (to fail them on close).</summary>
    public List<ProducerBatch> TakeAll()
    {
        var all = new List<ProducerBatch>();
        foreach (var queue in _queues.Values)
        {
            lock (queue)
            {
                foreach (var batch in queue.Batches)
                {
                    batch.CancelTimers();
                }

                all.AddRange(queue.Batches);
                queue.Batches.Clear();
                queue.Open = null;
            }
        }

        return all;
    }

    /// <summary>Refuses new records; queued ones may all be sent.</summary>
    public void Close()
    {
        foreach (var queue in _queues.Values)
        {
            lock (queue)
            {
                _closed = true;
            }
        }

        _closed = true;
        foreach (var partition in _queues.Keys)
        {
            _ready(partition, false);
        }
    }

    public void Dispose()
    {
        foreach (var batch in TakeAll())
        {
            batch.Dispose();
        }
    }

    private bool IsReady(ProducerBatch batch, DateTimeOffset now) =>
        now >= batch.RetryNotBefore
        && (batch.IsClosed || batch.Lingered || batch.Attempts > 0 || _closed || Volatile.Read(ref _flushing) > 0 || now - batch.CreatedAt >= _options.Linger);

    // Under the queue's lock. The batch holds its timers; they are cancelled when it leaves the queue
    // (taken to be sent, expired, taken on close), so no timer outlives the batch's wait.
    private void ScheduleLinger(PartitionQueue queue, ProducerBatch batch)
    {
        if (_options.Linger <= TimeSpan.Zero)
        {
            return;
        }

        // When it fires the batch is ready. The timer itself says so: a real clock's timer may fire a
        // little before the scheduler's Now shows linger.ms has passed, and nothing else would look at
        // the batch again.
        batch.LingerTimer = _scheduler.Schedule(
            (Accumulator: this, Queue: queue, Batch: batch),
            _options.Linger,
            static (_, s) =>
            {
                lock (s.Queue)
                {
                    s.Batch.Lingered = true;
                }

                s.Accumulator._ready(s.Queue.Partition, true);
                return Disposable.Empty;
            });
    }

    // Under the queue's lock. delivery.timeout.ms from the batch's creation: a batch still waiting in
    // its queue then (first, or again after a retriable failure) is taken out and its records fail at
    // exactly that tick. One sent and in flight is judged when its answer comes.
    private void ScheduleExpiry(PartitionQueue queue, ProducerBatch batch)
    {
        batch.ExpiryTimer?.Dispose();
        batch.ExpiryTimer = _scheduler.Schedule(
            (Accumulator: this, Queue: queue, Batch: batch),
            batch.CreatedAt + _options.DeliveryTimeout,
            static (scheduler, s) =>
            {
                bool removed;
                lock (s.Queue)
                {
                    removed = s.Queue.Batches.Remove(s.Batch);
                    if (removed)
                    {
                        s.Batch.LingerTimer?.Dispose();
                        if (ReferenceEquals(s.Queue.Open, s.Batch))
                        {
                            s.Queue.Open = null;
                        }
                    }
                }

                if (removed)
                {
                    s.Batch.IsClosed = true;
                    s.Accumulator._expired(s.Batch, s.Batch.DeliveryTimedOut(scheduler.Now, s.Accumulator._options.DeliveryTimeout, s.Accumulator._failuresSince?.Invoke(s.Batch.CreatedAt)));
                }

                return Disposable.Empty;
            });
    }

    /// <summary>What waits, per partition: for diagnostics (a test that timed out says what was left).</summary>
    public string Describe(DateTimeOffset now)
    {
        var lines = new List<string>();
        foreach (var queue in _queues.Values)
        {
            lock (queue)
            {
                if (queue.Batches.First?.Value is { } first)
                {
                    lines.Add($"{queue.Partition}: {queue.Batches.Count} batch(es); first #{first.Id}, {first.Count} records, attempts {first.Attempts}, ready {IsReady(first, now)}, retry not before {first.RetryNotBefore:HH:mm:ss.fff}");
                }
            }
        }

        return string.Join("\n", lines);
    }

    private PartitionQueue NewQueue(TopicPartition partition)
    {
        lock (_queues)
        {
            if (Array.IndexOf(_partitionArray, partition) < 0)
            {
                Volatile.Write(ref _partitionArray, [.. _partitionArray, partition]);
            }
        }

        return new PartitionQueue(partition);
    }

    private sealed class PartitionQueue(TopicPartition partition)
    {
        public TopicPartition Partition { get; } = partition;

        /// <summary>Batches taken for a broker and not yet done (see <see cref="RecordAccumulator.Done"/>).</summary>
        public int InFlight { get; set; }

        /// <summary>The broker the batches in flight went to.</summary>
        public int InFlightTo { get; set; } = -1;

        public LinkedList<ProducerBatch> Batches { get; } = new();

        public ProducerBatch? Open { get; set; }
    }
}
