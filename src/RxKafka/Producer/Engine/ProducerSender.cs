using System.Collections.Concurrent;
using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using Microsoft.Extensions.Logging;
using RxKafka.Client;
using RxKafka.Network;
using RxKafka.Producer.Transactions;
using RxKafka.Protocol.Messages;
using RxKafka.Reactive;

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
    // Per partition, where batches whose callbacks run user code are completed (see Deliver).
    private readonly ConcurrentDictionary<TopicPartition, SerialExecutor> _lanes = new();
    // Partitions whose sequences the next epoch bump starts again at 0 (a hole, or state the broker lost).
    private readonly ConcurrentDictionary<TopicPartition, byte> _rewrite = new();
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
        // A new snapshot may name new leaders: partitions without one wait for it, and a partition whose
        // leader moved is now drained by another sink, which nothing else would wake (its batches may all
        // be waiting already).
        _subscriptions.Add(client.Cluster.Snapshots.Subscribe(_ => OnSnapshot()));
    }

    /// <summary>The idempotent producer's id and epoch, or null when not idempotent.</summary>
    public ProducerIdentity? Identity => _identity;

    /// <summary>The transactional producer's state machine, or null: a partition's batches are sent once it is in the transaction.</summary>
    public Transactions.TransactionManager? Transactions { get; set; }

    /// <summary>Produce requests in flight, all leaders together.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>The accumulator's callback: a partition has a batch that may be sent.</summary>
    /// <param name="partition">The partition.</param>
    /// <param name="here">Whether the caller is library work on a pool thread (a linger timer), where an idle sink's pass may run at once.</param>
    public void OnReady(TopicPartition partition, bool here = false)
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

        Wake(leader.Value, here);
    }

    public ValueTask DisposeAsync()
    {
        _disposed = true;
        _subscriptions.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>What the sender and its sinks wait for: for diagnostics.</summary>
    public string Describe()
    {
        var now = _scheduler.Now;
        var sinks = string.Join("\n", _sinks.Select(s => $"sink {s.Key}: {s.Value}"));
        return $"in flight {InFlight}, paused {IsPaused}, bump needed {Volatile.Read(ref _bumpNeeded)}, waiting for a leader [{string.Join(", ", _waitingForLeader.Keys)}]\n{sinks}\n{_accumulator.Describe(now)}";
    }

    private void OnSnapshot()
    {
        RetryWaitingForLeader();
        if (_identity is not { IsKnown: false })
        {
            var now = _scheduler.Now;
            foreach (var partition in _accumulator.PartitionArray)
            {
                if (_accumulator.HasReady(partition, now) && _client.Snapshot.GetLeader(partition.Topic, partition.Partition) is >= 0 and var leader)
                {
                    Wake(leader);
                }
            }
        }
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

    private void Wake(int nodeId, bool here = false) => _sinks.GetOrAdd(nodeId, static (id, sender) => new Sink(sender, id), this).Wake(here);

    /// <summary>
    /// Every ready batch of the partitions <paramref name="nodeId"/> leads, within max.request.size, one per
    /// partition, walking the partitions from <paramref name="start"/> (a sink rotates it, so that when a
    /// request fills up it is not always the same partitions that wait).
    /// </summary>
    private List<ProducerBatch> Drain(int nodeId, int start)
    {
        var now = _scheduler.Now;
        var snapshot = _client.Snapshot;
        var partitions = _accumulator.PartitionArray;
        var batches = new List<ProducerBatch>();
        var size = 0;
        for (var i = 0; i < partitions.Length; i++)
        {
            var partition = partitions[(start + i) % partitions.Length];
            if (snapshot.GetLeader(partition.Topic, partition.Partition) != nodeId)
            {
                continue;
            }

            if (Transactions is { } transactions && !transactions.IsAdded(partition))
            {
                // Not in the transaction yet (AddPartitionsToTxn in flight): it is woken when it is.
                continue;
            }

            if (_identity is not null && !_identity.IsCurrent(partition) && _accumulator.FirstIsNewWhileInFlight(partition))
            {
                // After an epoch bump: this partition's old-epoch batches are still in flight; its new
                // batches start the new epoch at sequence 0 once they are done (P2).
                continue;
            }

            // One lock per partition, taken by the Send thread too for every record: readiness, the
            // broker it may go to, and whether it fits in this request (one that does not is left for the
            // next request, which this sink starts as soon as one is free) are checked in the one call.
            if (_accumulator.TakeReady(partition, now, nodeId, batches.Count > 0 ? _options.MaxRequestSize - size : int.MaxValue) is { } batch)
            {
                batches.Add(batch);
                size += batch.SizeInBytes;
            }
        }

        return batches;
    }

    /// <summary>
    /// Batches taken for a broker are done with (answered, requeued or failed). A partition with none left
    /// in flight may go to another broker now: its leader's sink is woken in case the leader moved.
    /// </summary>
    private void Done(List<ProducerBatch> batches)
    {
        foreach (var batch in batches)
        {
            if (_accumulator.Done(batch.Partition))
            {
                OnReady(batch.Partition);
            }
        }
    }

    /// <summary>
    /// One broker's sink (franz-go's): it drains the ready batches of the partitions that broker leads into
    /// Produce requests and handles their answers, all on one serial executor. It takes batches (and gives
    /// them sequences) only while it holds a ready connection, and writes each request on that connection
    /// as it is made, so requests reach the broker in the order they were drained (P1): nothing waits for a
    /// connection with a batch in hand, where a later request could overtake it.
    /// </summary>
    private sealed class Sink
    {
        private readonly ProducerSender _sender;
        private readonly int _nodeId;
        private readonly ConnectionGroup _group;
        private readonly SerialExecutor _executor;
        private readonly System.Collections.Concurrent.ConcurrentQueue<Answer> _answers = new();
        private readonly Action<Task<ProduceResponse>, object?> _onAnswer;
        private int _inFlight;
        private int _start;
        private int _connecting;
        private Exception? _connectFailure;

        public Sink(ProducerSender sender, int nodeId)
        {
            _sender = sender;
            _nodeId = nodeId;
            _group = ConnectionGroups.For(ApiKey.Produce, sender._client.Options.SeparateConnectionsByWorkload);
            _executor = new SerialExecutor(sender._scheduler, Drain, e => sender._logger?.LogError(e, "Producer sink for broker {NodeId} failed", nodeId));
            _onAnswer = (task, state) =>
            {
                // On the thread that completed the request (a read loop): only hand the answer over.
                _answers.Enqueue(new Answer((List<ProducerBatch>)state!, task));
                _executor.Signal();
            };
        }

        /// <summary>A batch became ready, a request completed, or something changed: look again, on the sink's executor.</summary>
        public void Wake(bool here = false)
        {
            if (here)
            {
                _executor.SignalHere();
            }
            else
            {
                _executor.Signal();
            }
        }

        private void Drain()
        {
            // Answers first, in the order they came: what they free (in-flight slots, memory, retries) is used below.
            while (_answers.TryDequeue(out var answer))
            {
                _inFlight--;
                Interlocked.Decrement(ref _sender._inFlight);
                try
                {
                    _sender.HandleAnswer(_nodeId, answer.Batches, answer.Response);
                }
                finally
                {
                    _sender.Done(answer.Batches);
                    _sender.AfterRequest();
                }
            }

            if (_inFlight >= _sender._options.MaxInFlightRequestsPerConnection || _sender._disposed || _sender.IsPaused)
            {
                return;
            }

            var connection = _sender._client.TryGetReadyConnection(_nodeId, _group);
            if (connection is null)
            {
                Connect();
                return;
            }

            while (_inFlight < _sender._options.MaxInFlightRequestsPerConnection)
            {
                var batches = _sender.Drain(_nodeId, _start++ & int.MaxValue);
                if (batches.Count == 0)
                {
                    return;
                }

                if (_sender.Prepare(batches) is not { } request)
                {
                    continue;
                }

                _inFlight++;
                Interlocked.Increment(ref _sender._inFlight);
                // Queued to the connection's writer loop, which writes in call order: drain order is wire order.
                // A transactional producer's version depends on its transaction protocol (v1 stays below v12).
                var version = _sender.Transactions is { } transactions ? TransactionProtocol.ProduceVersion(connection, transactions.IsV2) : null;
                connection.SendHandingOverAsync(request, version).ContinueWith(_onAnswer, batches, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
        }

        private void Connect()
        {
            if (Interlocked.Exchange(ref _connecting, 1) == 1)
            {
                return;
            }

            if (Interlocked.Exchange(ref _connectFailure, null) is { } failure)
            {
                // The last attempt failed: what is ready goes through the retry path with that error
                // (backoff, a metadata update, delivery.timeout.ms), as a failed send would.
                Volatile.Write(ref _connecting, 0);
                var unsent = _sender.Drain(_nodeId, _start++ & int.MaxValue);
                _sender.RetryAll(unsent, failure, unsent: true);
                _sender.Done(unsent);
                return;
            }

            _ = ConnectAsync();
        }

        private async Task ConnectAsync()
        {
            try
            {
                await _sender._client.GetConnectionAsync(_nodeId, _group).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                Volatile.Write(ref _connectFailure, e);
            }
            finally
            {
                Volatile.Write(ref _connecting, 0);
                _executor.Signal();
            }
        }

        public override string ToString() =>
            $"{_inFlight} in flight, {_answers.Count} answer(s) waiting, connecting {Volatile.Read(ref _connecting) == 1}, last connect failure {Volatile.Read(ref _connectFailure)?.Message ?? "none"}, ready connection {_sender._client.TryGetReadyConnection(_nodeId, _group) is not null}";

        private readonly record struct Answer(List<ProducerBatch> Batches, Task<ProduceResponse> Response);
    }
}
