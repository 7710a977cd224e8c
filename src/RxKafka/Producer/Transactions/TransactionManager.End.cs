using Microsoft.Extensions.Logging;
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
        bool bump;
        lock (_gate)
        {
            bump = _bumpAfterAbort && !_v2;
            _bumpAfterAbort = false;
        }

        if (bump)
        {
            // KIP-360: a new epoch, so the partitions' sequences start again at 0 and no doubtful batch can be taken for a duplicate.
            await InitProducerIdAsync((Identity.ProducerId, Identity.Epoch), cancellationToken).ConfigureAwait(false);
        }

        Set(TransactionState.Ready, from: TransactionState.Aborting);
    }

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
            // Before KIP-890 part 2 a v5 EndTxn would bump the epoch: only a transaction-version-2 producer sends it.
            var version = Version(connection, ApiKey.EndTxn, max: IsV2 ? short.MaxValue : (short)4);
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
