using System.Reactive.Linq;
using System.Collections.Concurrent;
using System.Reactive.Concurrency;
using Microsoft.Extensions.Logging;
using RxKafka.Client;

namespace RxKafka.Consumer.Engine;

/// <summary>
/// The one fetch engine under every consumer face. It keeps the assigned partitions and their positions,
/// fetches them through one sink per broker (<see cref="FetchSink"/>: one fetch in flight per broker, on a
/// serial executor, with a KIP-227 session), and holds what came back in a bounded prefetch until a face
/// takes it. The bound is real backpressure (R2): a partition is not fetched while it already holds a whole
/// <c>max.partition.fetch.bytes</c>, and nothing is fetched while the prefetch holds
/// <c>queued.max.messages.kbytes</c>; a face that takes records slowly slows fetching, never grows memory.
/// </summary>
/// <remarks>
/// One gate guards the partitions' states, the ready queue and the byte counts; nothing slow runs under it
/// (no I/O, no user code, no decompression). Faces take chunks round-robin across partitions, so a busy
/// partition cannot starve the others.
/// </remarks>
internal sealed partial class FetchEngine : IAsyncDisposable
{
    private readonly object _gate = new();
    private readonly Dictionary<TopicPartition, PartitionState> _partitions = new();
    private readonly Queue<PartitionState> _ready = new();
    private readonly ConcurrentDictionary<int, FetchSink> _sinks = new();

    // What the application paused, kept across revocation: a partition that comes back (an eager rebalance
    // revokes and reassigns everything) comes back paused, so a user's pause survives rebalances.
    private readonly HashSet<TopicPartition> _userPaused = new();
    private readonly IDisposable _snapshots;
    private TaskCompletionSource _available;
    private long _bufferedBytes;
    private bool _disposed;

    public FetchEngine(KafkaClient client, ConsumerOptions options, ILogger? logger)
    {
        Client = client;
        Options = options;
        Scheduler = client.Options.Scheduler;
        Logger = logger;
        _available = NewSignal(Scheduler);
        ConsumerInstruments.Track(this);
        // New metadata may name new leaders, and partitions waiting for one can be fetched again.
        _snapshots = client.Cluster.Snapshots.Subscribe(_ => WakeAll());
    }

    public KafkaClient Client { get; }

    public ConsumerOptions Options { get; }

    public IScheduler Scheduler { get; }

    public ILogger? Logger { get; }

    /// <summary>Bytes of fetched records held for the application, all partitions together.</summary>
    public long BufferedBytes => Interlocked.Read(ref _bufferedBytes);

    // Sinks answer concurrently: the subject serializes their emissions (an Rx observer sees one call at a time).
    private readonly System.Reactive.Subjects.ISubject<PartitionLag> _lag = System.Reactive.Subjects.Subject.Synchronize(new System.Reactive.Subjects.Subject<PartitionLag>());

    /// <summary>Each partition's lag as fetch answers report its end (hot; completes when the engine is disposed).</summary>
    public IObservable<PartitionLag> Lag => _lag.AsObservable();

    /// <summary>The lag of every assigned partition whose end is known.</summary>
    public IReadOnlyList<PartitionLag> Lags()
    {
        lock (_gate)
        {
            return _partitions.Values.Where(s => EndOf(s) >= 0).Select(s => new PartitionLag(s.Partition, Volatile.Read(ref s.Delivered), EndOf(s))).ToList();
        }
    }

    private long EndOf(PartitionState state) =>
        Options.IsolationLevel == IsolationLevel.ReadCommitted && state.LastStableOffset >= 0 ? state.LastStableOffset : state.HighWatermark;

    /// <summary>The assigned partitions.</summary>
    public IReadOnlyList<TopicPartition> Assignment
    {
        get
        {
            lock (_gate)
            {
                return _partitions.Keys.ToList();
            }
        }
    }

    /// <summary>Adds partitions, each at the given offset or, when null, at its committed offset (else <c>auto.offset.reset</c>).</summary>
    public void Assign(IEnumerable<(TopicPartition Partition, long? Offset)> partitions)
    {
        lock (_gate)
        {
            ThrowIfDisposed();
            foreach (var (partition, offset) in partitions)
            {
                if (!_partitions.TryGetValue(partition, out var state))
                {
                    state = new PartitionState(partition) { Paused = _userPaused.Contains(partition) };
                    state.Acks = Options.EnableAutoOffsetStore ? null : new AckTracker(state);
                    _partitions.Add(partition, state);
                }

                SetPosition(state, offset, Options.GroupId is null ? PositionLookup.Reset : PositionLookup.Committed);
            }
        }

        Client.AddTopics(Assignment.Select(p => p.Topic).Distinct());
        LookUpPositions();
        WakeAll();
    }

    /// <summary>Removes partitions: their buffered records are dropped and nothing fetches them any more.</summary>
    public IReadOnlyList<PartitionState> Unassign(IEnumerable<TopicPartition> partitions)
    {
        var removed = new List<PartitionState>();
        lock (_gate)
        {
            foreach (var partition in partitions)
            {
                if (_partitions.Remove(partition, out var state))
                {
                    state.Revoked = true;
                    Invalidate(state);
                    removed.Add(state);
                }
            }
        }

        Signal();
        if (PartitionRevoked is { } revoked)
        {
            foreach (var state in removed)
            {
                revoked(state);
            }
        }

        return removed;
    }

    /// <summary>Told, outside the gate, of each partition that stops being assigned (the per-partition face completes its group).</summary>
    public Action<PartitionState>? PartitionRevoked { get; set; }

    /// <summary>Moves a partition's position: what was fetched beyond is dropped, and fetching starts there (R3).</summary>
    /// <exception cref="InvalidOperationException">The partition is not assigned.</exception>
    public void Seek(TopicPartition partition, long? offset, PositionLookup lookup)
    {
        lock (_gate)
        {
            SetPosition(Get(partition), offset, lookup);
        }

        LookUpPositions();
        WakeAll();
    }

    /// <summary>Pauses or resumes partitions (R3): a paused partition is neither fetched nor delivered, and stays paused until resumed.</summary>
    public void SetPaused(IEnumerable<TopicPartition> partitions, bool paused)
    {
        partitions = partitions.ToList();
        lock (_gate)
        {
            foreach (var partition in partitions)
            {
                var state = Get(partition);
                state.Paused = paused;
                if (paused)
                {
                    _userPaused.Add(partition);
                }
                else
                {
                    _userPaused.Remove(partition);
                }

                if (!paused && state.Chunks.Count > 0 && !state.Queued)
                {
                    state.Queued = true;
                    _ready.Enqueue(state);
                }
            }
        }

        Signal();
        if (!paused && ChunkArrived is { } arrived)
        {
            foreach (var partition in partitions)
            {
                if (Find(partition) is { Chunks.Count: > 0 } state)
                {
                    arrived(state);
                }
            }
        }

        WakeAll();
    }

    /// <summary>The paused partitions.</summary>
    public IReadOnlyList<TopicPartition> Paused()
    {
        lock (_gate)
        {
            return _partitions.Values.Where(s => s.Paused).Select(s => s.Partition).ToList();
        }
    }

    /// <summary>The partition's state, or null when it is not assigned.</summary>
    public PartitionState? Find(TopicPartition partition)
    {
        lock (_gate)
        {
            return _partitions.GetValueOrDefault(partition);
        }
    }

    public async ValueTask DisposeAsync()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
        }

        _snapshots.Dispose();
        ConsumerInstruments.Forget(this);
        _lag.OnCompleted();
        foreach (var sink in _sinks.Values)
        {
            await sink.DisposeAsync().ConfigureAwait(false);
        }

        Unassign(Assignment);
        _available.TrySetResult();
    }

    /// <summary>What the engine holds and waits for: for diagnostics and test failures.</summary>
    public string Describe()
    {
        lock (_gate)
        {
            return $"buffered {_bufferedBytes} B, {_ready.Count} partition(s) ready\n"
                + string.Join("\n", _partitions.Values.Select(s => s.ToString()))
                + "\n" + string.Join("\n", _sinks.Select(s => $"sink {s.Key}: {s.Value}"));
        }
    }

    private PartitionState Get(TopicPartition partition) =>
        _partitions.GetValueOrDefault(partition) ?? throw new InvalidOperationException($"Partition {partition} is not assigned to this consumer (assigned: {string.Join(", ", _partitions.Keys)})");

    // Under the gate.
    private void SetPosition(PartitionState state, long? offset, PositionLookup lookup, bool keepAcknowledgements = false)
    {
        // A face that stopped mid-chunk rewinds within what was fetched: the epoch read there still describes the
        // log at that offset, so truncation detection (KIP-320) keeps working across the rewind.
        var lastFetchedEpoch = state.LastFetchedEpoch;
        Invalidate(state);
        if (keepAcknowledgements)
        {
            state.LastFetchedEpoch = lastFetchedEpoch;
        }

        state.Failed = false;
        state.Lookup = lookup;
        state.FetchPosition = offset ?? -1;
        if (!keepAcknowledgements)
        {
            state.Acks?.Reset();
        }

        if (offset is { } o)
        {
            Volatile.Write(ref state.Delivered, o);

            // Where delivery merely stopped, acknowledgements still decide what is processed.
            if (!keepAcknowledgements || state.Acks is null)
            {
                Volatile.Write(ref state.Processed, o);
            }
        }
    }

    // Under the gate: drops what was fetched for the partition and makes in-flight answers stale.
    private void Invalidate(PartitionState state)
    {
        Interlocked.Increment(ref state.Version);
        foreach (var chunk in state.Chunks)
        {
            Interlocked.Add(ref _bufferedBytes, -chunk.Size);
            chunk.ReturnFrame();
        }

        state.Chunks.Clear();
        state.BufferedBytes = 0;
        state.EofNoticed = false;
        state.LastFetchedEpoch = -1;
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);
}
