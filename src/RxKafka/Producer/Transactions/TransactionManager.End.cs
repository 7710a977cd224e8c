using Microsoft.Extensions.Logging;
using RxKafka.Client;
using RxKafka.Cluster;
using RxKafka.Protocol.Messages;

namespace RxKafka.Producer.Transactions;

// Ending a transaction: commit (flush, then EndTxn commit) and abort (unsent records fail, the ones in flight
// are waited for, EndTxn abort, then an epoch bump where a failure left the sequences in doubt, KIP-360).
internal sealed partial class TransactionManager
{
    /// <summary>Flushes the transaction's records, then commits it; a record that failed makes it abortable instead.</summary>
    public async Task CommitAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            ThrowIfFatal();
            if (_state is not (TransactionState.InTransaction or TransactionState.Committing))
            {
                throw Illegal("CommitTransactionAsync", _state == TransactionState.AbortableError ? "the transaction failed: abort it" : "no transaction is open");
            }

            _state = TransactionState.Committing;
        }

        await _flush().WaitAsync(cancellationToken).ConfigureAwait(false);
        await _addLoop.ConfigureAwait(false);
        lock (_gate)
        {
            ThrowIfFatal();
            if (_state == TransactionState.AbortableError)
            {
                throw new KafkaException(_cause is KafkaException k ? k.ErrorCode : ErrorCode.None, $"Transactional id '{TransactionalId}': the transaction cannot commit: {_cause?.Message}; abort it", _cause);
            }
        }

        await EndAsync(commit: true, cancellationToken).ConfigureAwait(false);
        await BetweenTransactionsAsync(abortFailed: false, cancellationToken).ConfigureAwait(false);
        Set(TransactionState.Ready, from: TransactionState.Committing);
    }

    /// <summary>
    /// Aborts the transaction: records not sent yet fail with <see cref="TransactionAbortedException"/>, the ones in
    /// flight are waited for (their outcome stands, but no read_committed reader sees them), then EndTxn abort.
    /// </summary>
    public async Task AbortAsync(CancellationToken cancellationToken)
    {
        Exception? cause;
        lock (_gate)
        {
            ThrowIfFatal();
            if (_state is not (TransactionState.InTransaction or TransactionState.AbortableError or TransactionState.Aborting))
            {
                throw Illegal("AbortTransactionAsync", "no transaction is open");
            }

            cause = _cause;
            _state = TransactionState.Aborting;
        }

        foreach (var batch in _accumulator.TakeAll())
        {
            _sender.FailQueued(batch, new TransactionAbortedException($"Transactional id '{TransactionalId}': {batch.Count} record(s) for {batch.Partition} were not sent: the transaction was aborted", cause));
        }

        await _addLoop.ConfigureAwait(false);
        await _flush().WaitAsync(cancellationToken).ConfigureAwait(false);
        await EndAsync(commit: false, cancellationToken).ConfigureAwait(false);
        bool failed;
        lock (_gate)
        {
            failed = _bumpAfterAbort;
            _bumpAfterAbort = false;
        }

        await BetweenTransactionsAsync(failed, cancellationToken).ConfigureAwait(false);
        Set(TransactionState.Ready, from: TransactionState.Aborting);
    }

    /// <summary>
    /// After an end: the epoch bump a v1 producer needs after a failed transaction (KIP-360: the partitions'
    /// sequences start again at 0, so no doubtful batch can be taken for a duplicate; under v2 the EndTxn answer
    /// brought a new epoch already), and the protocol of the next transaction, read again from the coordinator's
    /// finalized features as the Java client does: a cluster that turned <c>transaction.version</c> 2 on is taken up
    /// with an epoch bump first (so no request of a v1 epoch can land in a v2 transaction), one that turned it off is
    /// followed at once. The protocol never changes inside a transaction.
    /// </summary>
    private async Task BetweenTransactionsAsync(bool abortFailed, CancellationToken cancellationToken)
    {
        var offered = CoordinatorOffersV2();
        var v2 = IsV2;
        if ((abortFailed && !v2) || (offered && !v2))
        {
            // InitProducerId reads the protocol from the coordinator again as it takes the new epoch.
            await InitProducerIdAsync((Identity.ProducerId, Identity.Epoch), cancellationToken).ConfigureAwait(false);
        }
        else if (!offered && v2)
        {
            _logger?.LogInformation("Transactional id {TransactionalId}: the cluster no longer finalizes transaction.version 2; the next transaction adds its partitions with AddPartitionsToTxn", TransactionalId);
            Volatile.Write(ref _v2, false);
        }
    }

    // The coordinator's view of the protocol, from its connection's ApiVersions (a reconnection reads them anew).
    // Nothing is sent for it: without a ready connection to the coordinator the protocol stays as it is.
    private bool CoordinatorOffersV2() =>
        _client.Snapshot.GetCoordinator(CoordinatorType.Transaction, TransactionalId) is { } coordinator
        && _client.TryGetReadyConnection(coordinator.NodeId, ConnectionGroup.Coordination)?.ApiVersions is { } table
            ? TransactionProtocol.OffersV2(table)
            : IsV2;

    // EndTxn, when the coordinator knows of the transaction. Under KIP-890 part 2 (v5) the answer carries the epoch
    // (and maybe producer id) the producer goes on with: the coordinator bumps it on every end.
    private async Task EndAsync(bool commit, CancellationToken cancellationToken)
    {
        bool started;
        lock (_gate)
        {
            started = _started;
        }

        if (!started)
        {
            return;
        }

        var what = commit ? "EndTxn (commit)" : "EndTxn (abort)";
        await RunAsync(what, CoordinatorType.Transaction, TransactionalId, async connection =>
        {
            // A v5 EndTxn asks the coordinator to bump the epoch (KIP-890 part 2): only a v2 transaction sends it.
            var version = Version(connection, ApiKey.EndTxn, max: IsV2 ? short.MaxValue : TransactionProtocol.LastEndTxnVersionV1);
            var request = new EndTxnRequest { TransactionalId = TransactionalId, ProducerId = Identity.ProducerId, ProducerEpoch = Identity.Epoch, Committed = commit };
            var response = await connection.SendAtVersionAsync(request, version, cancellationToken).ConfigureAwait(false);
            var error = (ErrorCode)response.ErrorCode;
            if (error == ErrorCode.None && version >= 5 && response.ProducerId >= 0 && response.ProducerEpoch >= 0)
            {
                _accumulator.ForgetSequences();
                Identity.Reset(response.ProducerId, response.ProducerEpoch);
                _logger?.LogDebug("Transactional id {TransactionalId}: {What} done; producer id {ProducerId}, epoch {Epoch}", TransactionalId, what, response.ProducerId, response.ProducerEpoch);
            }

            return error;
        }, cancellationToken, abortable: commit).ConfigureAwait(false);
    }
}
