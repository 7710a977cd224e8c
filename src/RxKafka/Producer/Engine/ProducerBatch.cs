using System.Text;
using RxKafka.Protocol;
using RxKafka.Protocol.Records;

namespace RxKafka.Producer.Engine;

/// <summary>What one record's sender wants to hear about its delivery (none for fire-and-forget).</summary>
internal interface IDeliveryCallback
{
    /// <summary>The record was written at <paramref name="offset"/> (-1 with acks=0), or failed with <paramref name="error"/>.</summary>
    void OnDelivery(TopicPartition partition, long offset, long timestamp, Exception? error);

    /// <summary>
    /// Whether the callback runs the user's code (a delivery handler, the observable face's subscriber),
    /// which may block or throw: such batches are completed on their partition's lane, never on a sink.
    /// </summary>
    bool RunsUserCode => true;
}

/// <summary>
/// One record batch on its way to a partition: records appended into a pooled buffer, the
/// callbacks of the records that have one, and the batch's life (created, attempts, sequence).
/// Not thread-safe: its partition's queue guards it.
/// </summary>
internal sealed class ProducerBatch : IDisposable
{
    private readonly RecordBatchBuilder _builder;
    private readonly List<(int Index, long Timestamp, IDeliveryCallback Callback)> _callbacks = new();
    private ReadOnlyMemory<byte> _built;

    public ProducerBatch(TopicPartition partition, DateTimeOffset createdAt, int initialCapacity, long id = 0, System.Buffers.ArrayPool<byte>? pool = null)
    {
        Id = id;
        Partition = partition;
        CreatedAt = createdAt;
        _builder = new RecordBatchBuilder(initialCapacity, pool);
    }

    /// <summary>Increases with each batch made: a partition's batches go out in this order.</summary>
    public long Id { get; }

    public TopicPartition Partition { get; }

    public DateTimeOffset CreatedAt { get; }

    /// <summary>Records in the batch.</summary>
    public int Count => _builder.Count;

    /// <summary>Bytes of the uncompressed batch so far.</summary>
    public int SizeInBytes => _builder.SizeInBytes;

    /// <summary>Buffer memory this batch holds (released when it completes).</summary>
    public int ReservedBytes { get; set; }

    /// <summary>Whether no more records go in (full, lingered, flushed, or drained).</summary>
    public bool IsClosed { get; set; }

    /// <summary>Sends so far (the first send is attempt 1).</summary>
    public int Attempts { get; set; }

    /// <summary>The earliest time of the next send after a retriable failure.</summary>
    public DateTimeOffset RetryNotBefore { get; set; }

    /// <summary>When the request carrying the batch's latest attempt was written (the scheduler's time).</summary>
    public DateTimeOffset SentAt { get; set; }

    // Set by the linger timer rather than judged by comparing clocks: a timer may fire a little before
    // the scheduler's Now says its time has come, and a batch must never miss its only wake-up.
    private volatile bool _lingered;

    /// <summary>Whether <c>linger.ms</c> has passed since the first record (set by the batch's linger timer).</summary>
    public bool Lingered
    {
        get => _lingered;
        set => _lingered = value;
    }

    /// <summary>The linger timer, while the batch waits in its queue.</summary>
    public IDisposable? LingerTimer { get; set; }

    /// <summary>The delivery-timeout timer, while the batch waits in its queue (a batch in flight is judged when its answer comes).</summary>
    public IDisposable? ExpiryTimer { get; set; }

    /// <summary>Cancels the batch's timers: it left its queue.</summary>
    public void CancelTimers()
    {
        LingerTimer?.Dispose();
        LingerTimer = null;
        ExpiryTimer?.Dispose();
        ExpiryTimer = null;
    }

    /// <summary>
    /// The error of a batch whose delivery.timeout.ms passed (in its queue, or before a send or a retry);
    /// <paramref name="causes"/>, the connection failures since the batch was made, are named and inner.
    /// </summary>
    public KafkaException DeliveryTimedOut(DateTimeOffset now, TimeSpan deliveryTimeout, KafkaConnectionException? causes = null) =>
        new(
            RxKafka.ErrorCode.RequestTimedOut,
            Client.RecentFailures.Append($"Expiring {Count} record(s) for {Partition}: {(now - CreatedAt).TotalMilliseconds:0} ms has passed since the batch was created (delivery.timeout.ms is {deliveryTimeout.TotalMilliseconds:0} ms)", causes),
            causes);

    /// <summary>Whether the batch's bytes are final (built once, then sent as is on every retry).</summary>
    public bool IsBuilt => !_built.IsEmpty;

    /// <summary>The producer id, epoch and base sequence the batch was first sent with (-1: not idempotent or not sent yet).</summary>
    public long ProducerId => _builder.ProducerId;

    public short ProducerEpoch => _builder.ProducerEpoch;

    public int BaseSequence => _builder.BaseSequence;

    /// <summary>An upper bound of the bytes a record adds to a batch (Kafka's record framing at its widest).</summary>
    public static int EstimateSize(int keyLength, int valueLength, ReadOnlySpan<RecordHeader> headers)
    {
        // length, attributes, timestamp delta, offset delta, key length, value length, header count: at most 5+1+10+5+5+5+5 bytes.
        var size = 36 + keyLength + valueLength;
        foreach (var header in headers)
        {
            size += 10 + Encoding.UTF8.GetMaxByteCount(header.Key.Length) + header.Value.Length;
        }

        return size;
    }

    /// <summary>Appends a record; its callback (if any) hears about the delivery.</summary>
    public void Append(long timestamp, ReadOnlySpan<byte> key, bool keyIsNull, ReadOnlySpan<byte> value, bool valueIsNull, ReadOnlySpan<RecordHeader> headers, IDeliveryCallback? callback)
    {
        if (callback is not null)
        {
            _callbacks.Add((_builder.Count, timestamp, callback));
            HasUserCallbacks |= callback.RunsUserCode;
        }

        _builder.Append(timestamp, key, keyIsNull, value, valueIsNull, headers);
    }

    /// <summary>The batch's bytes for a Produce request: built (and compressed) once with the producer id, epoch and base sequence given the first time.</summary>
    public ReadOnlyMemory<byte> Build(CompressionType compression, int? level, long producerId, short producerEpoch, int baseSequence, bool transactional = false)
    {
        if (_built.IsEmpty)
        {
            IsClosed = true;
            _builder.IsTransactional = transactional;
            _builder.ProducerId = producerId;
            _builder.ProducerEpoch = producerEpoch;
            _builder.BaseSequence = baseSequence;
            _built = _builder.Build(compression, level);
        }

        return _built;
    }

    /// <summary>Forgets the built bytes, so the next <see cref="Build"/> writes a new producer id, epoch and sequence (after an epoch bump).</summary>
    public void Unbuild() => _built = default;

    /// <summary>Whether a record's callback runs the user's code (see <see cref="IDeliveryCallback.RunsUserCode"/>).</summary>
    public bool HasUserCallbacks { get; private set; }

    /// <summary>
    /// Tells every record's callback the outcome: the i-th record is at <paramref name="baseOffset"/> + i.
    /// A callback that throws does not keep the others from hearing theirs: the first exception is
    /// thrown once all have been told.
    /// </summary>
    public void Complete(long baseOffset, long logAppendTime, Exception? error)
    {
        Exception? thrown = null;
        foreach (var (index, timestamp, callback) in _callbacks)
        {
            var offset = error is null && baseOffset >= 0 ? baseOffset + index : -1;
            try
            {
                callback.OnDelivery(Partition, offset, logAppendTime >= 0 ? logAppendTime : timestamp, error);
            }
            catch (Exception e)
            {
                thrown ??= e;
            }
        }

        if (thrown is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(thrown);
        }
    }

    public void Dispose() => _builder.Dispose();
}
