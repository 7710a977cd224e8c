using RxKafka.Cluster;
using RxKafka.Protocol.Messages;

namespace RxKafka.Testing.Network;

// InitProducerId at any version 0-5: producer ids for idempotent producers (KIP-98), and the transaction
// coordinator's producer id and epoch per transactional id, bumped and checked as KIP-360 and KIP-588 say.
public sealed partial class ScriptedCluster
{
    /// <summary>The first producer id InitProducerId hands out; each later one is one more.</summary>
    public const long FirstProducerId = 1000;

    /// <summary>Kafka's default <c>transaction.max.timeout.ms</c>: 15 minutes.</summary>
    public const int DefaultTransactionMaxTimeoutMs = 900_000;

    // From here on an epoch is spent: the next bump takes a new producer id (Kafka's isEpochExhausted).
    private const short LastUsableEpoch = short.MaxValue - 1;

    private readonly Dictionary<string, TransactionalProducer> _transactionalIds = new(StringComparer.Ordinal);
    private long _nextProducerId = FirstProducerId;
    private int _transactionMaxTimeoutMs = DefaultTransactionMaxTimeoutMs;

    /// <summary>
    /// The longest transaction timeout InitProducerId accepts with a transactional id (Kafka's
    /// <c>transaction.max.timeout.ms</c>); a longer one, or one not positive, is INVALID_TRANSACTION_TIMEOUT.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public int TransactionMaxTimeoutMs
    {
        get => _transactionMaxTimeoutMs;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            _transactionMaxTimeoutMs = value;
        }
    }

    /// <summary>
    /// The producer id and epoch the transaction coordinator holds for <paramref name="transactionalId"/>, or
    /// null before its first InitProducerId.
    /// </summary>
    /// <param name="transactionalId">The transactional id.</param>
    public (long ProducerId, short ProducerEpoch)? TransactionalProducerId(string transactionalId)
    {
        ArgumentNullException.ThrowIfNull(transactionalId);
        lock (_gate)
        {
            return _transactionalIds.TryGetValue(transactionalId, out var state) ? (state.ProducerId, state.Epoch) : null;
        }
    }

    private InitProducerIdResponse AnswerInitProducerId(int nodeId, InitProducerIdRequest request, short version)
    {
        ErrorCode error;
        (long ProducerId, short Epoch) granted;
        lock (_gate)
        {
            error = InitProducerId(nodeId, request, out granted);
        }

        // PRODUCER_FENCED came with v4 (KIP-588); older versions are told INVALID_PRODUCER_EPOCH, as Kafka does.
        if (error == ErrorCode.ProducerFenced && version < 4)
        {
            error = ErrorCode.InvalidProducerEpoch;
        }

        return error == ErrorCode.None
            ? new InitProducerIdResponse { ProducerId = granted.ProducerId, ProducerEpoch = granted.Epoch }
            : new InitProducerIdResponse { ErrorCode = (short)error, ProducerId = -1, ProducerEpoch = -1 };
    }

    private ErrorCode InitProducerId(int nodeId, InitProducerIdRequest request, out (long ProducerId, short Epoch) granted)
    {
        granted = (-1, -1);

        // v3+ may name the producer id and epoch it has (KIP-360): both or neither.
        var expected = request.ProducerId != -1 || request.ProducerEpoch != -1 ? (request.ProducerId, request.ProducerEpoch) : ((long, short)?)null;
        if (expected is { } given && (given.Item1 < 0 || given.Item2 < 0))
        {
            return ErrorCode.InvalidRequest;
        }

        if (request.TransactionalId is not { } transactionalId)
        {
            // An idempotent producer always gets a new producer id at epoch 0, whatever it names: it bumps its
            // epoch itself after an error (KIP-360), so the coordinator keeps nothing for it.
            granted = (_nextProducerId++, 0);
            return ErrorCode.None;
        }

        if (transactionalId.Length == 0)
        {
            return ErrorCode.InvalidRequest;
        }

        if (!Authorized(transactionalId))
        {
            return ErrorCode.TransactionalIdAuthorizationFailed;
        }

        if (request.TransactionTimeoutMs <= 0 || request.TransactionTimeoutMs > _transactionMaxTimeoutMs)
        {
            return ErrorCode.InvalidTransactionTimeout;
        }

        if (Coordinator(CoordinatorType.Transaction, transactionalId) != nodeId)
        {
            return ErrorCode.NotCoordinator;
        }

        if (!_transactionalIds.TryGetValue(transactionalId, out var state) || state.State == ScriptedTransactionState.Dead)
        {
            state = new TransactionalProducer(_nextProducerId++) { TransactionalId = transactionalId };
            _transactionalIds[transactionalId] = state;
        }

        // Kafka's order: a fenced producer is told so before an open transaction is touched.
        switch (state.State)
        {
            case var _ when !state.MayBump(expected):
                return ErrorCode.ProducerFenced;
            case ScriptedTransactionState.PrepareCommit or ScriptedTransactionState.PrepareAbort or ScriptedTransactionState.PrepareEpochFence:
                return ErrorCode.ConcurrentTransactions;
            case ScriptedTransactionState.Ongoing:
                // A new instance (or a recovering one) while a transaction is open: Kafka fences and aborts it
                // first, and the producer retries until the abort is complete.
                FenceAndAbort(state, ScriptedTransactionEnd.AbortedOnFence);
                return ErrorCode.ConcurrentTransactions;
        }

        var error = state.Bump(expected, () => _nextProducerId++);
        if (error == ErrorCode.None)
        {
            (state.State, state.TimeoutMs) = (ScriptedTransactionState.Empty, request.TransactionTimeoutMs);
        }

        granted = (state.ProducerId, state.Epoch);
        return error;
    }

    /// <summary>What the transaction coordinator holds for one transactional id: its producer id and epoch (here) and its transaction (ScriptedCluster.TransactionState.cs).</summary>
    private sealed partial class TransactionalProducer(long producerId)
    {
        public long ProducerId { get; private set; } = producerId;

        public short Epoch { get; private set; } = -1;

        private long PreviousProducerId { get; set; } = -1;

        private short LastEpoch { get; set; } = -1;

        /// <summary>
        /// An InitProducerId for the id: fences older producers by bumping the epoch. With the producer's
        /// current id and epoch (KIP-360) the bump is that producer's own; its previous epoch is a retry of a
        /// bump whose answer was lost and gets the current epoch again; anything else is fenced. A spent epoch
        /// moves to a new producer id at epoch 0.
        /// </summary>
        public ErrorCode Bump((long ProducerId, short Epoch)? expected, Func<long> newProducerId)
        {
            if (!MayBump(expected))
            {
                return ErrorCode.ProducerFenced;
            }

            if (Epoch >= LastUsableEpoch && (expected is null || expected.Value.Epoch == Epoch))
            {
                (PreviousProducerId, ProducerId, LastEpoch, Epoch) = (ProducerId, newProducerId(), expected is null ? (short)-1 : Epoch, 0);
                return ErrorCode.None;
            }

            if (expected is null)
            {
                (LastEpoch, Epoch) = (-1, (short)(Epoch + 1));
            }
            else if (Epoch == -1 || expected.Value.Epoch == Epoch)
            {
                (LastEpoch, Epoch) = (Epoch, (short)(Epoch + 1));
            }
            else if (expected.Value.Epoch != LastEpoch)
            {
                return ErrorCode.ProducerFenced;
            }

            return ErrorCode.None;
        }

        /// <summary>Moves to <paramref name="epoch"/> as a run of bumps would: older epochs are fenced, none is a retry's.</summary>
        public void SetEpoch(short epoch) => (LastEpoch, Epoch) = (-1, epoch);

        /// <summary>Whether the producer id an InitProducerId names (KIP-360) is this id's, or the one a spent epoch moved from.</summary>
        public bool MayBump((long ProducerId, short Epoch)? expected) =>
            expected is not { } mine || Epoch == -1 || mine.ProducerId == ProducerId || (mine.ProducerId == PreviousProducerId && mine.Epoch >= LastUsableEpoch);
    }
}
