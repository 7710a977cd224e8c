using System.Reactive.Concurrency;
using System.Reactive.Disposables;

namespace RxKafka.Testing.Network;

// How a transaction ends, as Kafka's coordinator ends it: PrepareCommit or PrepareAbort, the markers written to
// every partition added (control batches at each log end), the group offsets committed or dropped, then
// CompleteCommit or CompleteAbort. Timed-out transactions are fenced and aborted on the scheduler.
public sealed partial class ScriptedCluster
{
    /// <summary>The coordinator epoch markers carry (the epoch of the <c>__transaction_state</c> partition's leader); one coordinator here.</summary>
    public const int TransactionCoordinatorEpoch = 0;

    private readonly List<ScriptedEndedTransaction> _endedTransactions = [];
    private TimeSpan _transactionMarkerDelay;

    /// <summary>
    /// How long the coordinator takes to write a transaction's markers after it accepts EndTxn (or aborts a
    /// timed-out or fenced transaction); meanwhile the transaction is PrepareCommit or PrepareAbort and a
    /// retried EndTxn, AddPartitionsToTxn or InitProducerId is answered CONCURRENT_TRANSACTIONS. Zero (the
    /// default): the markers land as the EndTxn is read, before it is answered.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public TimeSpan TransactionMarkerDelay
    {
        get
        {
            lock (_gate)
            {
                return _transactionMarkerDelay;
            }
        }

        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero);
            lock (_gate)
            {
                _transactionMarkerDelay = value;
            }
        }
    }

    /// <summary>
    /// A partition's last stable offset: the first offset of the oldest transaction still open on it, or the
    /// high watermark when none is. read_committed Fetch and ListOffsets stop there.
    /// </summary>
    /// <param name="topic">The topic's name.</param>
    /// <param name="partition">The partition's index.</param>
    /// <exception cref="ArgumentException">The cluster has no such topic or partition.</exception>
    public long LastStableOffset(string topic, int partition)
    {
        lock (_gate)
        {
            return PartitionLog(topic, partition).LastStableOffset;
        }
    }

    /// <summary>
    /// Every transaction the coordinator ended, in the order their markers landed: committed, aborted by its
    /// producer, or aborted by the coordinator on a fence or a timeout. A run's commits and aborts, counted where
    /// they happen.
    /// </summary>
    public IReadOnlyList<ScriptedEndedTransaction> EndedTransactions
    {
        get
        {
            lock (_gate)
            {
                return _endedTransactions.ToArray();
            }
        }
    }

    /// <summary>A partition's aborted-transaction index: one entry per abort marker, in offset order.</summary>
    /// <param name="topic">The topic's name.</param>
    /// <param name="partition">The partition's index.</param>
    /// <exception cref="ArgumentException">The cluster has no such topic or partition.</exception>
    public IReadOnlyList<ScriptedAbortedTransaction> AbortedTransactions(string topic, int partition)
    {
        lock (_gate)
        {
            return PartitionLog(topic, partition).AbortedTransactions.ToArray();
        }
    }

    // A new transaction: its timeout runs from now, on the scheduler.
    private void BeginTransaction(TransactionalProducer state, DateTimeOffset now)
    {
        state.State = ScriptedTransactionState.Ongoing;
        state.Partitions.Clear();
        state.Groups.Clear();
        state.PendingOffsets.Clear();
        state.StartedAt = now;
        var transaction = ++state.TransactionNumber;
        _scheduler.Schedule((Cluster: this, State: state, Transaction: transaction), TimeSpan.FromMilliseconds(state.TimeoutMs), static (_, s) =>
        {
            s.Cluster.ExpireTransaction(s.State, s.Transaction);
            return Disposable.Empty;
        });
    }

    // transaction.timeout.ms passed: if that transaction is still open, the coordinator fences its producer and
    // aborts it (Kafka's abortTimedOutTransactions; checked at the timeout exactly, not on a cleanup interval).
    private void ExpireTransaction(TransactionalProducer state, int transaction)
    {
        lock (_gate)
        {
            if (state.TransactionNumber == transaction && state.State == ScriptedTransactionState.Ongoing)
            {
                FenceAndAbort(state, ScriptedTransactionEnd.AbortedOnTimeout);
            }
        }
    }

    // PrepareEpochFence: the epoch is bumped (the producer's last epoch forgotten, so it cannot recover) and the
    // transaction aborted at the new epoch; the old producer's next request is fenced.
    private void FenceAndAbort(TransactionalProducer state, ScriptedTransactionEnd end)
    {
        state.State = ScriptedTransactionState.PrepareEpochFence;
        var before = (state.ProducerId, state.Epoch);
        state.BumpEpoch(() => _nextProducerId++, keepLastEpoch: false);
        PrepareEnd(state, end, MarkerProducer(before, state));
    }

    // Markers go with the producer id of the transaction and its newest epoch: the bumped one, unless the bump
    // spent the epochs and moved to a new producer id.
    private static (long ProducerId, short Epoch) MarkerProducer((long ProducerId, short Epoch) before, TransactionalProducer after) =>
        after.ProducerId == before.ProducerId ? (after.ProducerId, after.Epoch) : before;

    private void PrepareEnd(TransactionalProducer state, ScriptedTransactionEnd end, (long ProducerId, short Epoch) marker)
    {
        state.State = end == ScriptedTransactionEnd.Committed ? ScriptedTransactionState.PrepareCommit : ScriptedTransactionState.PrepareAbort;
        if (_transactionMarkerDelay <= TimeSpan.Zero)
        {
            CompleteTransaction(state, end, marker);
            return;
        }

        _scheduler.Schedule((Cluster: this, State: state, End: end, Marker: marker), _transactionMarkerDelay, static (_, s) =>
        {
            lock (s.Cluster._gate)
            {
                s.Cluster.CompleteTransaction(s.State, s.End, s.Marker);
            }

            return Disposable.Empty;
        });
    }

    // Writes a marker at the end of every partition added (those deleted since are skipped), commits or drops
    // the group offsets, and completes the transaction. Fetches waiting for stable data may have it now.
    private void CompleteTransaction(TransactionalProducer state, ScriptedTransactionEnd end, (long ProducerId, short Epoch) marker)
    {
        var now = _scheduler.Now;
        var commit = end == ScriptedTransactionEnd.Committed;
        _endedTransactions.Add(new ScriptedEndedTransaction(state.TransactionalId, marker.ProducerId, marker.Epoch, end, state.Partitions.ToArray(), state.Groups.ToArray(), state.StartedAt, now));
        foreach (var tp in state.Partitions)
        {
            if (_topics.TryGetValue(tp.Topic, out var topic) && tp.Partition < topic.Partitions.Count)
            {
                var leader = topic.Partitions[tp.Partition];
                topic.Log(tp.Partition).AppendMarker(marker.ProducerId, marker.Epoch, commit, TransactionCoordinatorEpoch, leader.LeaderId, leader.LeaderEpoch, now);
            }
        }

        if (commit)
        {
            CommitPendingOffsets(state);
        }

        // Kafka's completed transaction keeps nothing of what was added.
        state.PendingOffsets.Clear();
        state.Partitions.Clear();
        state.Groups.Clear();
        state.State = commit ? ScriptedTransactionState.CompleteCommit : ScriptedTransactionState.CompleteAbort;
        state.StartedAt = null;
        WakeFetchesLocked();
    }
}
