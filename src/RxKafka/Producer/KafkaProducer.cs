using System.Buffers;
using System.Reactive.Concurrency;
using Microsoft.Extensions.Logging;
using RxKafka.Client;
using RxKafka.Producer.Engine;
using RxKafka.Producer.Partitioning;
using RxKafka.Protocol.Records;
using RxKafka.Serialization;

namespace RxKafka.Producer;

/// <summary>
/// A producer: records in, acknowledged offsets out. Three faces over one engine:
/// <see cref="ProduceAsync(ProducerRecord{TKey, TValue}, CancellationToken)"/> (a task per record),
/// <see cref="Produce(IObservable{ProducerRecord{TKey, TValue}})"/> (an observable of delivery
/// reports, in order per partition) and <see cref="Send"/> (fire-and-forget, nothing allocated per
/// record). Records are batched per partition (<c>batch.size</c>, <c>linger.ms</c>), compressed, and
/// sent to each leader in one Produce request per drain; idempotence keeps every partition in order
/// and free of duplicates across retries. See docs/producer-design.md.
/// </summary>
/// <typeparam name="TKey">The key's type.</typeparam>
/// <typeparam name="TValue">The value's type.</typeparam>
public sealed partial class KafkaProducer<TKey, TValue> : IKafkaProducer<TKey, TValue>
{
    [ThreadStatic]
    private static Scratch? t_scratch;

    private readonly ProducerOptions _options;
    private readonly ISerializer<TKey> _keySerializer;
    private readonly ISerializer<TValue> _valueSerializer;
    private readonly IPartitioner _partitioner;
    private readonly IScheduler _scheduler;
    private readonly bool _systemClock;
    private readonly BufferMemory _memory;
    private readonly RecordAccumulator _accumulator;
    private readonly ProducerSender _sender;
    private readonly ILogger? _logger;
    private readonly object _pendingGate = new();
    private readonly SortedSet<long> _incomplete = new();
    // Batches that completed before the Send that opened them noted them in _incomplete (see TryProduceCore).
    private readonly HashSet<long> _doneBeforeNoted = new();
    private readonly List<(long UpTo, TaskCompletionSource Done)> _flushWaiters = new();
    private readonly List<TaskCompletionSource> _unplacedWaiters = new();
    private readonly object _lineGate = new();
    private readonly Queue<Waiting> _line = new();
    private int _lineLength;
    private bool _lineWaitsForMemory;
    private int _unplaced;
    private int _unplacedWaiterCount;
    private int _closed;
    private readonly bool _ownsClient;

    /// <summary>Creates a producer and starts bootstrapping its client; records wait for metadata up to <c>max.block.ms</c>.</summary>
    /// <param name="options">The producer's options (with the client's in <see cref="ProducerOptions.Client"/>).</param>
    /// <param name="keySerializer">Writes keys.</param>
    /// <param name="valueSerializer">Writes values.</param>
    /// <param name="partitioner">Chooses partitions; null for the one <see cref="ProducerOptions.Partitioner"/> names (by default <see cref="DefaultPartitioner"/>: murmur2 for keys, as the Java client; sticky for null keys, KIP-480).</param>
    /// <exception cref="KafkaConfigException">The options are not valid, or both <paramref name="partitioner"/> and a <see cref="ProducerOptions.Partitioner"/> other than the default are given; the message names the setting.</exception>
    public KafkaProducer(ProducerOptions options, ISerializer<TKey> keySerializer, ISerializer<TValue> valueSerializer, IPartitioner? partitioner = null)
        : this(options, keySerializer, valueSerializer, partitioner, shared: null)
    {
    }

    /// <summary>
    /// Creates a producer on a <see cref="KafkaClient"/> the application already has: one cluster view,
    /// one metadata synchronizer and one connection pool for everything it does (the producer writes on
    /// the pool's Produce connections). The client's options apply (scheduler, logging,
    /// <c>request.timeout.ms</c>, backoffs): leave <see cref="ProducerOptions.Client"/> unset or equal to
    /// <see cref="KafkaClient.Options"/>; a setting there that differs from the client's is a
    /// <see cref="KafkaConfigException"/> naming it, never silently dropped.
    /// Closing the producer leaves the client open; it bootstraps the client when it has not been.
    /// </summary>
    /// <param name="client">The client to produce through; it must outlive the producer.</param>
    /// <param name="options">The producer's options.</param>
    /// <param name="keySerializer">Writes keys.</param>
    /// <param name="valueSerializer">Writes values.</param>
    /// <param name="partitioner">Chooses partitions; null for the one <see cref="ProducerOptions.Partitioner"/> names.</param>
    /// <exception cref="KafkaConfigException">The options are not valid, or <see cref="ProducerOptions.Client"/> conflicts with the client's options; the message names the setting.</exception>
    public KafkaProducer(KafkaClient client, ProducerOptions options, ISerializer<TKey> keySerializer, ISerializer<TValue> valueSerializer, IPartitioner? partitioner = null)
        : this(options, keySerializer, valueSerializer, partitioner, client ?? throw new ArgumentNullException(nameof(client)))
    {
    }

    private KafkaProducer(ProducerOptions options, ISerializer<TKey> keySerializer, ISerializer<TValue> valueSerializer, IPartitioner? partitioner, KafkaClient? shared)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(keySerializer);
        ArgumentNullException.ThrowIfNull(valueSerializer);
        if (shared is not null)
        {
            options = options.OnSharedClient(shared.Options);
        }

        options.Validate();

        // Nothing is silently overridden: a custom partitioner and a chosen partitioner setting cannot both apply.
        if (partitioner is not null && options.Partitioner != ProducerDefaults.Partitioner)
        {
            throw new KafkaConfigException(
                ProducerOptions.PartitionerConfig,
                $"the producer was given an {nameof(IPartitioner)} ({partitioner.GetType().Name}) and the setting is {options.Partitioner.ToConfigValue()}; pass one or the other");
        }

        _options = options;
        _keySerializer = keySerializer;
        _valueSerializer = valueSerializer;
        _partitioner = partitioner ?? Partitioners.Create(options.Partitioner, options.Client.Random);
        _scheduler = options.Client.Scheduler;
        _systemClock = _scheduler is System.Reactive.Concurrency.LocalScheduler;
        _logger = options.Client.LoggerFactory?.CreateLogger("RxKafka.KafkaProducer");
        _ownsClient = shared is null;
        Client = shared ?? new KafkaClient(options.Client);
        _memory = new BufferMemory(options.BufferMemory, options.MaxBlock, _scheduler);
        ProducerInstruments.Register(_memory, options.Client.ClientId);
        _accumulator = new RecordAccumulator(options, _scheduler, (tp, lingered) => _sender!.OnReady(tp, lingered), (batch, error) => _sender!.FailQueued(batch, error), Client.FailuresSince);
        _sender = new ProducerSender(Client, options, _accumulator, OnBatchDone, _logger);
        if (options.IsTransactional)
        {
            _transactions = CreateTransactions();
            _sender.Transactions = _transactions;
        }
        if (_ownsClient || Client.Snapshot.Brokers.Count == 0)
        {
            _ = Client.BootstrapAsync();
        }

        _sender.EnsureIdentity();
    }

    /// <summary>The client underneath: the cluster view, its change streams, raw requests.</summary>
    public KafkaClient Client { get; }

    /// <summary>What the producer waits for (line, sinks, queued batches): for diagnostics in tests.</summary>
    internal string Describe() => $"line {Volatile.Read(ref _lineLength)}, unplaced {Volatile.Read(ref _unplaced)}\n{Client.Describe()}\n{_sender.Describe()}";

    /// <summary>The options the producer was made with.</summary>
    public ProducerOptions Options => _options;

    /// <summary>
    /// Sends <paramref name="record"/> and completes when the broker acknowledged it (with acks=0:
    /// when it was written), or fails with the reason it could not be delivered: the broker's error,
    /// an expired <c>delivery.timeout.ms</c>, a serializer's <see cref="SerializationException"/>, a
    /// record over <c>max.request.size</c>. Waits for buffer memory and for an unknown topic's
    /// metadata up to <c>max.block.ms</c>. Code after the await runs on the thread pool, never on the
    /// thread that reads the broker's answers.
    /// Once the producer is closed (or closing) the task fails with <see cref="ObjectDisposedException"/>.
    /// </summary>
    public Task<RecordMetadata> ProduceAsync(ProducerRecord<TKey, TValue> record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        var completion = new DeliveryCompletion();
        Start(record, completion, cancellationToken);
        return completion.Task;
    }

    /// <summary>Sends a record with <paramref name="key"/> and <paramref name="value"/> to <paramref name="topic"/>; see <see cref="ProduceAsync(ProducerRecord{TKey, TValue}, CancellationToken)"/>.</summary>
    public Task<RecordMetadata> ProduceAsync(string topic, TKey key, TValue value, CancellationToken cancellationToken = default) =>
        ProduceAsync(new ProducerRecord<TKey, TValue>(topic, key, value), cancellationToken);

    /// <summary>
    /// Fire-and-forget: queues <paramref name="record"/> and returns. With no callback nothing is
    /// allocated per record. <paramref name="onDelivery"/>, when given, hears the outcome on the thread
    /// pool, in order within the record's partition (one that blocks holds up only that partition's
    /// later callbacks). When buffer memory is full the call
    /// blocks, up to <c>max.block.ms</c>, as the Java client's send does.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The producer is closed (or closing): the record was not sent.</exception>
    public void Send(ProducerRecord<TKey, TValue> record, Action<DeliveryReport<TKey, TValue>>? onDelivery = null)
    {
        ArgumentNullException.ThrowIfNull(record);
        ThrowIfClosed();
        if (_transactions?.CheckSend(record.Topic) is { } refused)
        {
            // As the Java client's send: outside a transaction (or in a failed one) the call itself fails.
            throw refused;
        }

        Start(record, onDelivery is null ? null : new ReportCallback(record, onDelivery), CancellationToken.None, block: true);
    }

    // A record handed to a closed producer would go nowhere: with Send and no callback, silently (issue 11).
    private void ThrowIfClosed()
    {
        if (Volatile.Read(ref _closed) != 0)
        {
            throw Closed();
        }
    }

    private static ObjectDisposedException Closed() => new(nameof(KafkaProducer<TKey, TValue>), "the producer is closed: records can no longer be sent");

    /// <summary>Serializes, partitions and appends the record; or says what it waits for (metadata, memory). Fails the record itself for its own errors.</summary>
    private Need? TryProduce(ProducerRecord<TKey, TValue> record, IDeliveryCallback? callback, int reserved = 0)
    {
        var outcome = TryProduceCore(record, callback, ref reserved);
        if (reserved > 0)
        {
            // Memory reserved for this record that it did not use (it failed, or it must wait again).
            _memory.Release(reserved);
        }

        if (outcome is null)
        {
            RecordLeftSlowPath();
        }

        return outcome;
    }

    private Need? TryProduceCore(ProducerRecord<TKey, TValue> record, IDeliveryCallback? callback, ref int reserved)
    {
        if (_transactions?.CheckSend(record.Topic) is { } refused)
        {
            Fail(record, callback, null, refused);
            return null;
        }

        if (!Client.Snapshot.Topics.TryGetValue(record.Topic, out var topic) || topic.Partitions.Length == 0)
        {
            return new Need(Metadata: true, 0);
        }

        if (record.Partition is { } explicitPartition && topic.GetPartition(explicitPartition) is null)
        {
            Fail(record, callback, null, new UnknownTopicOrPartitionException($"Partition {explicitPartition} of topic '{record.Topic}' does not exist (it has {topic.Partitions.Length})"));
            return null;
        }

        var scratch = t_scratch ??= new Scratch();
        scratch.Reset();
        var headers = record.Headers ?? scratch.Headers;
        bool keyIsNull, valueIsNull;
        try
        {
            keyIsNull = _keySerializer.IsNull(record.Key);
            if (!keyIsNull)
            {
                _keySerializer.Serialize(record.Key, scratch.Key, new SerializationContext(record.Topic, MessageComponentType.Key, headers));
            }

            valueIsNull = _valueSerializer.IsNull(record.Value);
            if (!valueIsNull)
            {
                _valueSerializer.Serialize(record.Value, scratch.Value, new SerializationContext(record.Topic, MessageComponentType.Value, headers));
            }
        }
        catch (Exception e)
        {
            Fail(record, callback, null, e is SerializationException ? e : new SerializationException(record.Topic, MessageComponentType.Value, $"the serializer threw {e.GetType().Name}: {e.Message}", e));
            return null;
        }

        var key = scratch.Key.WrittenSpan;
        var value = scratch.Value.WrittenSpan;
        var recordHeaders = scratch.RecordHeaders(headers);
        var size = ProducerBatch.EstimateSize(key.Length, value.Length, recordHeaders);
        if (size > _options.MaxRequestSize)
        {
            Fail(record, callback, null, new RecordTooLargeException($"The record is {size} bytes when serialized, larger than max.request.size ({_options.MaxRequestSize} bytes); it was not sent"));
            return null;
        }

        if (reserved >= size)
        {
            reserved -= size;
        }
        else if (!_memory.TryReserve(size))
        {
            return new Need(Metadata: false, size);
        }

        var timestamp = record.Timestamp?.ToUnixTimeMilliseconds() ?? NowMs();
        var partition = record.Partition ?? _partitioner.Partition(topic, key, keyIsNull, valueIsNull ? -1 : value.Length);
        var chosen = new TopicPartition(record.Topic, partition);
        long batchId;
        bool opened;
        if (record.Partition is not null)
        {
            opened = _accumulator.Append(chosen, timestamp, key, keyIsNull, value, valueIsNull, recordHeaders, callback, size, out batchId);
        }
        else if (_accumulator.TryAppendToOpenBatch(chosen, timestamp, key, keyIsNull, value, valueIsNull, recordHeaders, callback, size, out batchId))
        {
            opened = false;
        }
        else
        {
            // KIP-480: a new batch is due, so the sticky partitioner may move on first.
            _partitioner.OnNewBatch(topic, partition);
            partition = _partitioner.Partition(topic, key, keyIsNull, valueIsNull ? -1 : value.Length);
            chosen = new TopicPartition(record.Topic, partition);
            opened = _accumulator.Append(chosen, timestamp, key, keyIsNull, value, valueIsNull, recordHeaders, callback, size, out batchId);
        }

        _transactions?.MaybeAdd(chosen);
        if (opened)
        {
            lock (_pendingGate)
            {
                // The batch may be done already: Append hands a new batch to the sender at once with
                // linger.ms=0 (and after linger.ms otherwise), and the answer can come back before this
                // line runs. Noting it then would keep it incomplete for ever, and every flush waiting.
                if (!_doneBeforeNoted.Remove(batchId))
                {
                    _incomplete.Add(batchId);
                }
            }
        }

        return null;
    }

    // The record's CreateTime: the scheduler's clock. A real-time scheduler's clock is the system
    // clock, read here directly (once per record: Rx's path to it costs several times the read).
    // The one wall-clock read in the library, allowed past the banned-API list for that reason:
    // _systemClock is only true when the scheduler's Now is this same clock.
#pragma warning disable RS0030
    private long NowMs() => _systemClock
        ? (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerMillisecond
        : _scheduler.Now.ToUnixTimeMilliseconds();
#pragma warning restore RS0030

    private void Fail(ProducerRecord<TKey, TValue> record, IDeliveryCallback? callback, TopicPartition? partition, Exception error)
    {
        ProducerInstruments.RecordsFailed.Add(1, new KeyValuePair<string, object?>("client.id", _options.Client.ClientId), new KeyValuePair<string, object?>("topic", record.Topic));
        callback?.OnDelivery(partition ?? new TopicPartition(record.Topic, record.Partition ?? -1), -1, -1, error);
    }

    // The caller's continuation never runs on the thread that read the broker's answer: code after an
    // awaited ProduceAsync may block (a Send waiting for buffer memory) and must not hold up the reads.
    private sealed class DeliveryCompletion() : TaskCompletionSource<RecordMetadata>(TaskCreationOptions.RunContinuationsAsynchronously), IDeliveryCallback
    {
        // Only completes a task, whose continuations run on the thread pool.
        public bool RunsUserCode => false;

        public void OnDelivery(TopicPartition partition, long offset, long timestamp, Exception? error)
        {
            if (error is null)
            {
                TrySetResult(Written(partition, offset, timestamp));
            }
            else
            {
                TrySetException(error);
            }
        }
    }

    // Where a record went, from the engine's answer (timestamp -1: none known).
    private static RecordMetadata Written(TopicPartition partition, long offset, long timestamp) =>
        new(partition.Topic, partition.Partition, offset, timestamp >= 0 ? DateTimeOffset.FromUnixTimeMilliseconds(timestamp) : default);

    private sealed class ReportCallback(ProducerRecord<TKey, TValue> record, Action<DeliveryReport<TKey, TValue>> report) : IDeliveryCallback
    {
        public void OnDelivery(TopicPartition partition, long offset, long timestamp, Exception? error) =>
            report(new DeliveryReport<TKey, TValue>(record, Written(partition, offset, timestamp), error));
    }

    /// <summary>Per-thread buffers the key and value are serialized into before they are copied into a batch.</summary>
    private sealed class Scratch
    {
        private RecordHeader[] _headers = new RecordHeader[4];
        private int _headerCount;

        public ArrayBufferWriter<byte> Key { get; } = new(256);

        public ArrayBufferWriter<byte> Value { get; } = new(1024);

        public Headers Headers { get; } = new();

        public void Reset()
        {
            Key.ResetWrittenCount();
            Value.ResetWrittenCount();
            Headers.Clear();
            Array.Clear(_headers, 0, _headerCount);
            _headerCount = 0;
        }

        public ReadOnlySpan<RecordHeader> RecordHeaders(Headers headers)
        {
            if (headers.Count == 0)
            {
                return default;
            }

            if (_headers.Length < headers.Count)
            {
                _headers = new RecordHeader[headers.Count];
            }

            for (var i = 0; i < headers.Count; i++)
            {
                _headers[i] = new RecordHeader(headers[i].Key, headers[i].Value);
            }

            _headerCount = headers.Count;
            return _headers.AsSpan(0, headers.Count);
        }
    }
}
