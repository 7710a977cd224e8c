using RxKafka.Cluster;
using RxKafka.Protocol.Messages;

namespace RxKafka.Testing.Network;

// KIP-890 part 2 ("transactions v2", Kafka 4.0): the finalized feature transaction.version the brokers report in
// ApiVersions, and what level 2 changes: a transactional Produce v12 has its partition added to the transaction by
// the leader, a TxnOffsetCommit v5 its group by the group coordinator, and EndTxn v5 (ScriptedCluster.Transactions.cs)
// bumps the epoch at every end, an empty transaction's abort included.
public sealed partial class ScriptedCluster
{
    /// <summary>The name of the finalized feature that switches KIP-890 part 2 on.</summary>
    public const string TransactionVersionFeature = "transaction.version";

    /// <summary>The highest <c>transaction.version</c> level Kafka 4.x defines, which a new Kafka 4.0 cluster finalizes.</summary>
    public const short MaxTransactionVersion = 2;

    // Kafka's Produce and TxnOffsetCommit versions from which a transactional request adds to the transaction itself.
    private const short FirstImplicitAddProduceVersion = 12;
    private const short FirstImplicitAddTxnOffsetCommitVersion = 5;

    private short _transactionVersion = MaxTransactionVersion;
    private long _finalizedFeaturesEpoch;

    /// <summary>
    /// The level the cluster finalizes the feature <c>transaction.version</c> at, as its brokers report it in
    /// ApiVersions (v3+, KIP-584): 2 by default, as a new Kafka 4.0 cluster, which turns KIP-890 part 2 on (a
    /// transactional Produce v12 adds its partition to the transaction, TxnOffsetCommit v5 its group, and clients
    /// that see the level send no AddPartitionsToTxn or AddOffsetsToTxn); 0 or 1 as a cluster where it is off, which
    /// answers a transactional Produce v12 UNSUPPORTED_VERSION as Kafka 4 brokers do. The versions advertised do
    /// not change with it (narrow them with <see cref="SetApiVersion"/>); connections made before a change keep the
    /// level they were told, as with a real cluster, until they reconnect.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The level is not 0, 1 or 2.</exception>
    public short TransactionVersion
    {
        get
        {
            lock (_gate)
            {
                return _transactionVersion;
            }
        }

        set
        {
            if (value is < 0 or > MaxTransactionVersion)
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, $"{TransactionVersionFeature} levels are 0 to {MaxTransactionVersion} (Kafka 4.x); {value} is not one.");
            }

            lock (_gate)
            {
                if (_transactionVersion != value)
                {
                    _transactionVersion = value;
                    _finalizedFeaturesEpoch++;
                }
            }
        }
    }

    /// <summary>
    /// Sets the epoch the transaction coordinator holds for <paramref name="transactionalId"/>, as if that many
    /// InitProducerId calls and ends had bumped it: to test, in a few steps, what happens when the epoch runs out
    /// (from epoch 32766 the coordinator's next bump moves to a new producer id at epoch 0, as Kafka's does). The
    /// producer that had the id's epoch is fenced by it.
    /// </summary>
    /// <param name="transactionalId">A transactional id the coordinator knows (after its first InitProducerId).</param>
    /// <param name="epoch">The epoch, 0 to 32766.</param>
    /// <exception cref="ArgumentException">The coordinator does not know <paramref name="transactionalId"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="epoch"/> is not 0 to 32766.</exception>
    /// <exception cref="InvalidOperationException">A transaction of the id is open or completing.</exception>
    public void SetTransactionalProducerEpoch(string transactionalId, short epoch)
    {
        ArgumentNullException.ThrowIfNull(transactionalId);
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(epoch, LastUsableEpoch);
        lock (_gate)
        {
            if (!_transactionalIds.TryGetValue(transactionalId, out var state) || state.State == ScriptedTransactionState.Dead)
            {
                throw new ArgumentException($"The transaction coordinator does not know transactional id '{transactionalId}': call InitProducerId with it first.", nameof(transactionalId));
            }

            if (state.State is not (ScriptedTransactionState.Empty or ScriptedTransactionState.CompleteCommit or ScriptedTransactionState.CompleteAbort))
            {
                throw new InvalidOperationException($"Transactional id '{transactionalId}' has a transaction {state.State}: set its epoch between transactions.");
            }

            state.SetEpoch(epoch);
        }
    }

    // ApiVersions v3+ tells clients which transaction protocol the cluster runs (the Java client reads it).
    private void AddFeatures(ApiVersionsResponse response)
    {
        lock (_gate)
        {
            response.SupportedFeatures = [new() { Name = TransactionVersionFeature, MinVersion = 0, MaxVersion = MaxTransactionVersion }];
            response.FinalizedFeaturesEpoch = _finalizedFeaturesEpoch;
            response.FinalizedFeatures = _transactionVersion > 0
                ? [new() { Name = TransactionVersionFeature, MaxVersionLevel = _transactionVersion, MinVersionLevel = _transactionVersion }]
                : [];
        }
    }

    // The transactional batches of a Produce: at v12+ with a transactional id (KIP-890 part 2) the leader has the
    // coordinator add the partition; below, the partition must have been added (AddPartitionsToTxn).
    private ErrorCode CheckTransactionalBatch(ProducedBatch batch, TopicPartition partition, string? transactionalId, short version, DateTimeOffset now) =>
        version >= FirstImplicitAddProduceVersion && transactionalId is not null
            ? AddPartitionImplicitly(transactionalId, batch, partition, now)
            : CheckTransactionalBatch(batch, partition);

    // What Kafka 4.0's leader does with a transactional Produce v12 (ReplicaManager, AddPartitionsToTxnManager): ask the
    // coordinator to add the partition (AddPartitionsToTxn v5, not verify-only), which opens a transaction if none is,
    // and answer its errors as Kafka maps them: PRODUCER_FENCED (an older epoch: a zombie, or a retry from before the
    // last end's bump) as INVALID_PRODUCER_EPOCH, an unreachable coordinator as NOT_ENOUGH_REPLICAS (retriable without
    // a metadata refresh), CONCURRENT_TRANSACTIONS (the last end's markers are still being written) as is.
    private ErrorCode AddPartitionImplicitly(string transactionalId, ProducedBatch batch, TopicPartition partition, DateTimeOffset now)
    {
        if (_transactionVersion < MaxTransactionVersion)
        {
            return ErrorCode.UnsupportedVersion;
        }

        var coordinator = Coordinator(CoordinatorType.Transaction, transactionalId);
        if (coordinator < 0)
        {
            return ErrorCode.NotEnoughReplicas;
        }

        var error = CheckTransactional(coordinator, transactionalId, batch.ProducerId, batch.ProducerEpoch, out var state);
        return error switch
        {
            ErrorCode.None => AddToTransaction(state, [partition], null, now),
            ErrorCode.ProducerFenced => ErrorCode.InvalidProducerEpoch,
            _ => error,
        };
    }

    // TxnOffsetCommit's last check: at v5 on a transaction.version 2 cluster the group joins the producer's
    // transaction here (opening one if none is); below, AddOffsetsToTxn must have added it.
    private ErrorCode JoinTransaction(TransactionalProducer state, string group, short version, DateTimeOffset now) =>
        version >= FirstImplicitAddTxnOffsetCommitVersion && _transactionVersion >= MaxTransactionVersion
            ? AddToTransaction(state, [], group, now)
            : state.State == ScriptedTransactionState.Ongoing && state.Groups.Contains(group) ? ErrorCode.None : ErrorCode.InvalidTxnState;

    // EndTxn v5 (KIP-890 part 2) with no transaction open: an abort still ends a transaction the producer may have
    // begun (its first write may never have reached the coordinator), bumping the epoch and writing no marker;
    // a commit is INVALID_TXN_STATE. A retry of the end that bumped the epoch was answered before this.
    private ErrorCode EndWithoutTransaction(TransactionalProducer state, bool commit)
    {
        if (commit)
        {
            return ErrorCode.InvalidTxnState;
        }

        var before = (state.ProducerId, state.Epoch);
        state.BumpEpoch(() => _nextProducerId++, keepLastEpoch: true);
        PrepareEnd(state, ScriptedTransactionEnd.Aborted, MarkerProducer(before, state));
        return ErrorCode.None;
    }
}
