using Microsoft.Extensions.Logging;
using RxKafka.Client;
using RxKafka.Consumer.Engine;
using RxKafka.Serialization;

namespace RxKafka.Consumer;

/// <summary>
/// A Kafka consumer: records of the partitions it is assigned, in offset order per partition, through
/// three faces over one fetch engine: <see cref="ConsumeAsync"/> (pull, <c>IAsyncEnumerable</c>),
/// <see cref="Consume"/> (push, <c>IObservable</c>, with a bounded prefetch as backpressure) and
/// <see cref="ConsumePartitions"/> (one observable per partition, processed concurrently). One face reads at a
/// time: a consumer has one position per partition.
/// </summary>
/// <typeparam name="TKey">The keys' type.</typeparam>
/// <typeparam name="TValue">The values' type.</typeparam>
/// <remarks>
/// Fetching runs on one serial executor per broker; records are decompressed, checked and deserialized on
/// the face's thread (the enumerating caller, or the observable's delivery loop on the scheduler), never on
/// a connection's read loop. See docs/consumer.md.
/// </remarks>
public sealed partial class KafkaConsumer<TKey, TValue> : IKafkaConsumer<TKey, TValue>
{
    private readonly FetchEngine _engine;
    private readonly IDeserializer<TKey> _keyDeserializer;
    private readonly IDeserializer<TValue> _valueDeserializer;
    private readonly bool _ownsClient;
    private readonly ILogger? _logger;
    private int _reading;
    private int _disposed;

    /// <summary>Creates a consumer with a client of its own, made from <see cref="ConsumerOptions.Client"/>.</summary>
    /// <param name="options">The consumer's options.</param>
    /// <param name="keyDeserializer">Turns key bytes into keys.</param>
    /// <param name="valueDeserializer">Turns value bytes into values.</param>
    /// <exception cref="KafkaConfigException">An option is out of range.</exception>
    public KafkaConsumer(ConsumerOptions options, IDeserializer<TKey> keyDeserializer, IDeserializer<TValue> valueDeserializer)
        : this(options, keyDeserializer, valueDeserializer, shared: null)
    {
    }

    /// <summary>
    /// Creates a consumer on a <see cref="KafkaClient"/> the application already has (one cluster view and
    /// one set of connections for its producers and consumers). <see cref="ConsumerOptions.Client"/> is
    /// ignored: the client's options apply. Disposing the consumer leaves the client open.
    /// </summary>
    /// <param name="client">The client to run on.</param>
    /// <param name="options">The consumer's options.</param>
    /// <param name="keyDeserializer">Turns key bytes into keys.</param>
    /// <param name="valueDeserializer">Turns value bytes into values.</param>
    /// <exception cref="KafkaConfigException">An option is out of range.</exception>
    public KafkaConsumer(KafkaClient client, ConsumerOptions options, IDeserializer<TKey> keyDeserializer, IDeserializer<TValue> valueDeserializer)
        : this(options, keyDeserializer, valueDeserializer, client ?? throw new ArgumentNullException(nameof(client)))
    {
    }

    private KafkaConsumer(ConsumerOptions options, IDeserializer<TKey> keyDeserializer, IDeserializer<TValue> valueDeserializer, KafkaClient? shared)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(keyDeserializer);
        ArgumentNullException.ThrowIfNull(valueDeserializer);
        options.Validate();
        _ownsClient = shared is null;
        Client = shared ?? new KafkaClient(options.Client);
        Options = options with { Client = Client.Options };
        _keyDeserializer = keyDeserializer;
        _valueDeserializer = valueDeserializer;
        _logger = Client.Options.LoggerFactory?.CreateLogger("RxKafka.Consumer");
        _engine = new FetchEngine(Client, Options, _logger);
        if (_ownsClient)
        {
            _ = Client.BootstrapAsync().ContinueWith(t => _logger?.LogWarning(t.Exception, "Bootstrap failed; the consumer keeps trying"), TaskContinuationOptions.OnlyOnFaulted);
        }
    }

    /// <summary>The client underneath: its cluster view, connections and options.</summary>
    public KafkaClient Client { get; }

    /// <summary>The consumer's options (with the client's options in <see cref="ConsumerOptions.Client"/>).</summary>
    public ConsumerOptions Options { get; }

    /// <inheritdoc/>
    public IReadOnlyList<TopicPartition> Assignment => _engine.Assignment;

    /// <inheritdoc/>
    public IObservable<PartitionLag> Lag => _engine.Lag;

    /// <inheritdoc/>
    public IReadOnlyList<PartitionLag> CurrentLag => _engine.Lags();

    /// <summary>Bytes of fetched records held for the application now (under <see cref="ConsumerOptions.PrefetchMaxBytes"/> plus what is in flight).</summary>
    public long PrefetchedBytes => _engine.BufferedBytes;

    /// <inheritdoc/>
    public void Assign(IEnumerable<TopicPartition> partitions)
    {
        ArgumentNullException.ThrowIfNull(partitions);
        var wanted = partitions.ToHashSet();
        _engine.Unassign(_engine.Assignment.Where(p => !wanted.Contains(p)).ToList());
        _engine.Assign(wanted.Where(p => _engine.Find(p) is null).Select(p => (p, (long?)null)).ToList());
    }

    /// <inheritdoc/>
    public void Assign(IEnumerable<TopicPartitionOffset> partitions)
    {
        ArgumentNullException.ThrowIfNull(partitions);
        var wanted = partitions.ToDictionary(p => p.TopicPartition, p => p.Offset);
        _engine.Unassign(_engine.Assignment.Where(p => !wanted.ContainsKey(p)).ToList());
        _engine.Assign(wanted.Select(p => (p.Key, (long?)CheckOffset(p.Key, p.Value))).ToList());
    }

    /// <inheritdoc/>
    public void IncrementalAssign(IEnumerable<TopicPartition> partitions)
    {
        ArgumentNullException.ThrowIfNull(partitions);
        _engine.Assign(partitions.Where(p => _engine.Find(p) is null).Select(p => (p, (long?)null)).ToList());
    }

    /// <inheritdoc/>
    public void IncrementalUnassign(IEnumerable<TopicPartition> partitions)
    {
        ArgumentNullException.ThrowIfNull(partitions);
        _engine.Unassign(partitions);
    }

    /// <inheritdoc/>
    public void Unassign() => _engine.Unassign(_engine.Assignment);

    /// <inheritdoc/>
    public void Seek(TopicPartitionOffset position) => _engine.Seek(position.TopicPartition, CheckOffset(position.TopicPartition, position.Offset), PositionLookup.Reset);

    /// <inheritdoc/>
    public void SeekToBeginning(IEnumerable<TopicPartition> partitions)
    {
        ArgumentNullException.ThrowIfNull(partitions);
        foreach (var partition in partitions)
        {
            _engine.Seek(partition, null, PositionLookup.Earliest);
        }
    }

    /// <inheritdoc/>
    public void SeekToEnd(IEnumerable<TopicPartition> partitions)
    {
        ArgumentNullException.ThrowIfNull(partitions);
        foreach (var partition in partitions)
        {
            _engine.Seek(partition, null, PositionLookup.Latest);
        }
    }

    /// <inheritdoc/>
    public async Task SeekAsync(IEnumerable<TopicPartition> partitions, DateTimeOffset timestamp, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(partitions);
        var list = partitions.ToList();
        var found = await OffsetsForTimesAsync(list.Select(p => (p, timestamp)), cancellationToken).ConfigureAwait(false);
        foreach (var partition in list)
        {
            // No record at or after the time: the end, as Kafka's consumers do after offsetsForTimes gives none.
            if (found.TryGetValue(partition, out var offset) && offset is { } o)
            {
                _engine.Seek(partition, o, PositionLookup.Reset);
            }
            else
            {
                _engine.Seek(partition, null, PositionLookup.Latest);
            }
        }
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyDictionary<TopicPartition, long?>> OffsetsForTimesAsync(IEnumerable<(TopicPartition Partition, DateTimeOffset Timestamp)> query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var found = await _engine.ListOffsetsAsync(query.Select(q => (q.Partition, q.Timestamp.ToUnixTimeMilliseconds())).ToList(), cancellationToken).ConfigureAwait(false);
        return found.ToDictionary(f => f.Key, f => f.Value.Offset >= 0 ? f.Value.Offset : (long?)null);
    }

    /// <inheritdoc/>
    public async Task<(long Low, long High)> QueryWatermarkOffsetsAsync(TopicPartition partition, CancellationToken cancellationToken = default)
    {
        var low = _engine.ListOffsetsAsync([(partition, -2L)], cancellationToken);
        var high = _engine.ListOffsetsAsync([(partition, -1L)], cancellationToken);
        return ((await low.ConfigureAwait(false))[partition].Offset, (await high.ConfigureAwait(false))[partition].Offset);
    }

    /// <inheritdoc/>
    public (long Low, long High) GetWatermarkOffsets(TopicPartition partition) =>
        _engine.Find(partition) is { } state ? (state.LogStartOffset, state.HighWatermark) : (-1, -1);

    /// <inheritdoc/>
    public void Pause(IEnumerable<TopicPartition> partitions) => _engine.SetPaused(partitions ?? throw new ArgumentNullException(nameof(partitions)), paused: true);

    /// <inheritdoc/>
    public void Resume(IEnumerable<TopicPartition> partitions) => _engine.SetPaused(partitions ?? throw new ArgumentNullException(nameof(partitions)), paused: false);

    /// <inheritdoc/>
    public IReadOnlyList<TopicPartition> Paused => _engine.Paused();

    /// <inheritdoc/>
    public long? Position(TopicPartition partition) =>
        _engine.Find(partition) is { } state && (state.FetchPosition >= 0 || Volatile.Read(ref state.Delivered) > 0) ? Volatile.Read(ref state.Delivered) : null;

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await CloseGroupAsync().ConfigureAwait(false);
        await _engine.DisposeAsync().ConfigureAwait(false);
        if (_ownsClient)
        {
            await Client.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>What the consumer holds and waits for, partition by partition: for diagnostics.</summary>
    public string Describe() => _engine.Describe();

    private static long CheckOffset(TopicPartition partition, long offset) =>
        offset >= 0 ? offset : throw new ArgumentOutOfRangeException(nameof(offset), offset, $"The offset for {partition} must be 0 or more (use SeekToBeginning or SeekToEnd for the ends)");

    private ReadLease BeginReading()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) == 1, this);
        if (Interlocked.Exchange(ref _reading, 1) == 1)
        {
            throw new InvalidOperationException("This consumer is already being read through one of its faces: a consumer has one position per partition, so one face reads at a time (dispose the other enumeration or subscription first)");
        }

        return new ReadLease(this);
    }

    private sealed class ReadLease(KafkaConsumer<TKey, TValue> consumer) : IDisposable
    {
        private int _done;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0)
            {
                Volatile.Write(ref consumer._reading, 0);
            }
        }
    }
}
