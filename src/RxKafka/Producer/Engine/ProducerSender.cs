using System.Collections.Concurrent;
using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using Microsoft.Extensions.Logging;
using RxKafka.Cluster;
using RxKafka.Network;
using RxKafka.Protocol;
using RxKafka.Protocol.Messages;

namespace RxKafka.Producer.Engine;

/// <summary>
/// Sends what the accumulator makes ready. One sink per leader (franz-go's sink): when any of a
/// leader's partitions has a ready batch, every ready batch it leads goes into one Produce request
/// (one batch per partition), with up to <c>max.in.flight.requests.per.connection</c> requests in
/// flight on the leader's Produce connection. Answers complete records, put retriable failures
/// back in sequence order after the retry backoff (a metadata update first when the leader may
/// have moved), and fail the rest with the broker's error. Idempotence (KIP-98, KIP-360): a
/// producer id from InitProducerId, sequences per partition, an epoch bump when the broker lost or
/// fenced the producer's state.
/// </summary>
internal sealed partial class ProducerSender : IAsyncDisposable
{
    private readonly KafkaClient _client;
    private readonly ProducerOptions _options;
    private readonly RecordAccumulator _accumulator;
    private readonly IScheduler _scheduler;
    private readonly ILogger? _logger;
    private readonly Action<ProducerBatch, Exception?> _completed;
    private readonly ConcurrentDictionary<int, Sink> _sinks = new();
    private readonly ConcurrentDictionary<TopicPartition, byte> _waitingForLeader = new();
    private readonly ProducerIdentity? _identity;
    private readonly CompositeDisposable _subscriptions = new();
    private readonly SemaphoreSlim _identityLock = new(1, 1);
    private readonly object _gate = new();
    private readonly KeyValuePair<string, object?> _clientTag;
    private int _inFlight;
    private bool _bumpNeeded;
    private bool _disposed;

    /// <param name="client">The client underneath.</param>
    /// <param name="options">The producer's options.</param>
    /// <param name="accumulator">Where batches wait.</param>
    /// <param name="completed">Told when a batch is done, delivered (null) or failed, after its records' callbacks (to release its memory).</param>
    /// <param name="logger">Where to log, or null.</param>
    public ProducerSender(KafkaClient client, ProducerOptions options, RecordAccumulator accumulator, Action<ProducerBatch, Exception?> completed, ILogger? logger)
    {
        _client = client;
        _options = options;
        _accumulator = accumulator;
        _scheduler = options.Client.Scheduler;
        _completed = completed;
        _logger = logger;
        _identity = options.IsIdempotent ? new ProducerIdentity() : null;
        _clientTag = new("client.id", options.Client.ClientId);
        // Partitions without a leader wait for a snapshot that names one.
        _subscriptions.Add(client.Cluster.Snapshots.Subscribe(_ => RetryWaitingForLeader()));
    }

    /// <summary>The idempotent producer's id and epoch, or null when not idempotent.</summary>
    public ProducerIdentity? Identity => _identity;

    /// <summary>Produce requests in flight, all leaders together.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>The accumulator's callback: a partition has a batch that may be sent.</summary>
    public void OnReady(TopicPartition partition)
    {
        if (_disposed)
        {
            return;
        }

        if (_identity is { IsKnown: false })
        {
            // The idempotent producer needs its id first; when it arrives every partition is tried again.
            EnsureIdentity();
            return;
        }

        var leader = _client.Snapshot.GetLeader(partition.Topic, partition.Partition);
        if (leader is null or < 0)
        {
            // No leader known: ask for metadata and try again when it changes.
            _waitingForLeader[partition] = 0;
            _client.ForceMetadataUpdate().Subscribe(_ => { }, _ => { });
            return;
        }

        Wake(leader.Value);
    }

    public ValueTask DisposeAsync()
    {
        _disposed = true;
        _subscriptions.Dispose();
        return ValueTask.CompletedTask;
    }

    private void RetryWaitingForLeader()
    {
        foreach (var partition in _waitingForLeader.Keys)
        {
            if (_client.Snapshot.GetLeader(partition.Topic, partition.Partition) is >= 0 && _waitingForLeader.TryRemove(partition, out _))
            {
                OnReady(partition);
            }
        }
    }

    private void Wake(int nodeId) => _sinks.GetOrAdd(nodeId, static (id, sender) => new Sink(sender, id), this).Wake();

    /// <summary>Every ready batch of the partitions <paramref name="nodeId"/> leads, within max.request.size.</summary>
    private List<ProducerBatch> Drain(int nodeId)
    {
        var now = _scheduler.Now;
        var snapshot = _client.Snapshot;
        var batches = new List<ProducerBatch>();
        var size = 0;
        foreach (var partition in _accumulator.Partitions)
        {
            if (snapshot.GetLeader(partition.Topic, partition.Partition) != nodeId || !_accumulator.HasReady(partition, now))
            {
                continue;
            }

            if (batches.Count > 0 && size + _accumulator.FirstBatchSize(partition) > _options.MaxRequestSize)
            {
                // Left for the next request, which this sink starts as soon as one is free.
                continue;
            }

            if (_accumulator.TakeReady(partition, now) is { } batch)
            {
                batches.Add(batch);
                size += batch.SizeInBytes;
            }
        }

        return batches;
    }

    private sealed class Sink(ProducerSender sender, int nodeId)
    {
        private readonly object _gate = new();
        private int _inFlight;
        private bool _draining;
        private bool _wokenWhileDraining;

        /// <summary>
        /// Drains what is ready into requests while a request slot is free. One thread drains at a
        /// time; a wake that arrives meanwhile (a batch became ready, a request completed) makes it
        /// look once more before it stops, so no wake is lost.
        /// </summary>
        public void Wake()
        {
            lock (_gate)
            {
                if (_draining)
                {
                    _wokenWhileDraining = true;
                    return;
                }

                _draining = true;
            }

            try
            {
                while (true)
                {
                    bool canSend;
                    lock (_gate)
                    {
                        _wokenWhileDraining = false;
                        canSend = _inFlight < sender._options.MaxInFlightRequestsPerConnection && !sender._disposed && !sender.IsPaused;
                    }

                    var batches = canSend ? sender.Drain(nodeId) : [];
                    if (batches.Count > 0)
                    {
                        lock (_gate)
                        {
                            _inFlight++;
                        }

                        _ = SendAsync(batches);
                        continue;
                    }

                    lock (_gate)
                    {
                        if (!_wokenWhileDraining)
                        {
                            _draining = false;
                            return;
                        }
                    }
                }
            }
            catch
            {
                lock (_gate)
                {
                    _draining = false;
                }

                throw;
            }
        }

        private async Task SendAsync(List<ProducerBatch> batches)
        {
            Interlocked.Increment(ref sender._inFlight);
            try
            {
                await sender.SendAsync(nodeId, batches).ConfigureAwait(false);
            }
            finally
            {
                Interlocked.Decrement(ref sender._inFlight);
                lock (_gate)
                {
                    _inFlight--;
                }

                sender.AfterRequest();
                Wake();
            }
        }
    }
}
