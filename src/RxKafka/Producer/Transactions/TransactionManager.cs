using Microsoft.Extensions.Logging;
using RxKafka.Client;
using RxKafka.Producer.Engine;

namespace RxKafka.Producer.Transactions;

/// <summary>
/// The transactional producer's state machine (KIP-98, T1), as the Java client's TransactionManager keeps it:
/// Uninitialized → Ready (InitProducerId with the transactional id) → InTransaction (BeginTransaction) →
/// Committing or Aborting (EndTxn) → Ready. A failure inside a transaction makes it AbortableError (only an
/// abort is allowed, after which the epoch is bumped where needed, KIP-360, and the producer goes on); fencing,
/// authorization and protocol failures make it FatalError, where every call throws the cause. It runs on the
/// idempotent engine: the sender's identity carries the producer id and epoch, and the sender asks
/// <see cref="IsAdded"/> before it drains a partition's batches. Split by concern: the coordinator's requests
/// (TransactionManager.Coordinator.cs), partitions (.Partitions.cs), offsets (.Offsets.cs), the end (.End.cs).
/// </summary>
internal sealed partial class TransactionManager
{
    private readonly KafkaClient _client;
    private readonly ProducerOptions _options;
    private readonly ProducerSender _sender;
    private readonly RecordAccumulator _accumulator;
    private readonly Func<Task> _flush;
    private readonly ILogger? _logger;
    private readonly object _gate = new();
    private TransactionState _state = TransactionState.Uninitialized;
    private Exception? _cause;
    // KIP-890 part 2 (transaction version 2): partitions are added by Produce itself and EndTxn bumps the epoch.
    private bool _v2;
    // A failure left the producer's sequences in doubt: the abort is followed by an epoch bump (KIP-360).
    private bool _bumpAfterAbort;
    // Whether the coordinator knows of this transaction (a partition or a group was added): an empty one needs no EndTxn.
    private bool _started;

    /// <param name="client">The client underneath.</param>
    /// <param name="options">The producer's options (transactional id, timeout, backoffs).</param>
    /// <param name="sender">The engine's sender: its identity is the producer id and epoch.</param>
    /// <param name="accumulator">Where unsent batches wait (an abort fails them).</param>
    /// <param name="flush">Sends every record now and completes when each is acknowledged or failed.</param>
    /// <param name="logger">Where to log, or null.</param>
    public TransactionManager(KafkaClient client, ProducerOptions options, ProducerSender sender, RecordAccumulator accumulator, Func<Task> flush, ILogger? logger)
    {
        _client = client;
        _options = options;
        _sender = sender;
        _accumulator = accumulator;
        _flush = flush;
        _logger = logger;
        TransactionalId = options.TransactionalId!;
    }

    public string TransactionalId { get; }

    public TransactionState State
    {
        get
        {
            lock (_gate)
            {
                return _state;
            }
        }
    }

    /// <summary>Whether the transaction protocol in use is KIP-890 part 2's (implicit partition adds, an epoch bump per EndTxn).</summary>
    public bool IsV2 => Volatile.Read(ref _v2);

    private ProducerIdentity Identity => _sender.Identity!;

    /// <summary>InitProducerId with the transactional id: fences older producers with it and completes (or aborts) what they left open.</summary>
    public async Task InitAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            ThrowIfFatal();
            if (_state != TransactionState.Uninitialized)
            {
                throw Illegal("InitTransactionsAsync", "it is called once, before the first transaction");
            }

            _state = TransactionState.Initializing;
        }

        try
        {
            await InitProducerIdAsync(current: null, cancellationToken).ConfigureAwait(false);
            Set(TransactionState.Ready, from: TransactionState.Initializing);
        }
        catch (Exception e) when (e is not ProducerFencedException && !IsFatal(e))
        {
            // A timeout or a cancellation: InitTransactionsAsync may be called again.
            Set(TransactionState.Uninitialized, from: TransactionState.Initializing);
            throw;
        }
    }

    /// <summary>Opens a transaction (local state only: the coordinator hears of it with the first partition or offsets).</summary>
    public void Begin()
    {
        lock (_gate)
        {
            ThrowIfFatal();
            if (_state != TransactionState.Ready)
            {
                throw Illegal("BeginTransaction", _state == TransactionState.Uninitialized ? "call InitTransactionsAsync first" : "end the open transaction first");
            }

            ResetTransaction();
            _state = TransactionState.InTransaction;
        }
    }

    /// <summary>
    /// Whether a record may be appended now; the error its sender gets otherwise: a closed transaction is an
    /// <see cref="InvalidOperationException"/>, an abortable one the error that made it so, a fatal one its cause.
    /// </summary>
    public Exception? CheckSend(string topic)
    {
        lock (_gate)
        {
            return _state switch
            {
                TransactionState.InTransaction => null,
                TransactionState.FatalError => _cause,
                TransactionState.AbortableError => new TransactionAbortedException($"Transactional id '{TransactionalId}': the record for {topic} was not sent: the transaction failed and must be aborted ({_cause?.Message})", _cause),
                TransactionState.Aborting => new TransactionAbortedException($"Transactional id '{TransactionalId}': the record for {topic} was not sent: the transaction is being aborted"),
                _ => Illegal("a send", "records are sent inside a transaction: call BeginTransaction first"),
            };
        }
    }

    /// <summary>
    /// A batch of the transaction failed (the sender's delivery path): the transaction can no longer commit. A
    /// fencing or authorization error is fatal; the rest are abortable, and leave the sequences in doubt.
    /// </summary>
    public void OnBatchFailed(TopicPartition partition, Exception error)
    {
        if (error is TransactionAbortedException)
        {
            return;
        }

        if (IsFatal(error))
        {
            Fatal(error);
            return;
        }

        lock (_gate)
        {
            _bumpAfterAbort = true;
            if (_state is TransactionState.InTransaction or TransactionState.Committing)
            {
                _logger?.LogWarning(error, "Transactional id {TransactionalId}: a batch for {Partition} failed; the transaction must be aborted", TransactionalId, partition);
                _cause = new KafkaException(error is KafkaException k ? k.ErrorCode : ErrorCode.None, $"Transactional id '{TransactionalId}': a record for {partition} could not be delivered ({error.Message}); abort the transaction", error);
                _state = TransactionState.AbortableError;
            }
        }
    }

    /// <summary>Errors no abort recovers from (the Java client's fatal ones): the producer is done.</summary>
    private static bool IsFatal(Exception error) =>
        error is ProducerFencedException or UnsupportedVersionException
        || (error is KafkaException k && k.ErrorCode is ErrorCode.ProducerFenced or ErrorCode.TransactionalIdAuthorizationFailed
            or ErrorCode.ClusterAuthorizationFailed or ErrorCode.InvalidProducerIdMapping or ErrorCode.UnsupportedVersion or ErrorCode.UnsupportedForMessageFormat);

    /// <summary>Moves to FatalError: every queued record fails with the cause, every later call throws it.</summary>
    private Exception Fatal(Exception cause)
    {
        if (!Enter(TransactionState.FatalError, cause, out var current))
        {
            return current;
        }

        _logger?.LogError(cause, "Transactional id {TransactionalId}: fatal error; the producer can no longer send", TransactionalId);
        foreach (var batch in _accumulator.TakeAll())
        {
            _sender.FailQueued(batch, cause);
        }

        return cause;
    }

    /// <summary>Moves to AbortableError with <paramref name="cause"/> unless the producer is already failed for good.</summary>
    private Exception Abortable(Exception cause) => Enter(TransactionState.AbortableError, cause, out var current) ? cause : current;

    // A failed state and its cause, unless FatalError came first (it is terminal): false then, with its cause.
    private bool Enter(TransactionState state, Exception cause, out Exception current)
    {
        lock (_gate)
        {
            if (_state == TransactionState.FatalError)
            {
                current = _cause!;
                return false;
            }

            (_state, _cause, current) = (state, cause, cause);
            return true;
        }
    }

    private void ThrowIfFatal()
    {
        if (_state == TransactionState.FatalError)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(_cause!);
        }
    }

    private void Set(TransactionState state, TransactionState from)
    {
        lock (_gate)
        {
            if (_state == from)
            {
                _state = state;
            }
        }
    }

    private InvalidOperationException Illegal(string call, string why) =>
        new($"Transactional id '{TransactionalId}': {call} is not allowed in state {_state}: {why}", _cause);
}
