using RxKafka.Producer.Transactions;

namespace RxKafka.Producer;

// The transactional producer's task API (KIP-98, T1): InitTransactionsAsync once, then per transaction
// BeginTransaction, records (and consumed offsets), CommitTransactionAsync or AbortTransactionAsync.
// See docs/transactions.md.
public sealed partial class KafkaProducer<TKey, TValue>
{
    private TransactionManager? _transactions;

    /// <summary>Where the transactional producer is (<see cref="Producer.TransactionState.Uninitialized"/> for a producer without <c>transactional.id</c>).</summary>
    public TransactionState TransactionState => _transactions?.State ?? TransactionState.Uninitialized;

    /// <summary>The transactions' state machine, or null for a producer without <c>transactional.id</c>: for tests.</summary>
    internal TransactionManager? Transactions => _transactions;

    private TransactionManager CreateTransactions() =>
        new(Client, _options, _sender, _accumulator, () => FlushCoreAsync(CancellationToken.None), _logger);

    /// <summary>
    /// Gets this transactional id's producer id and epoch from its transaction coordinator (FindCoordinator,
    /// InitProducerId with <c>transaction.timeout.ms</c>), fencing any older producer with the same id and
    /// completing what it left open. Call it once, before the first <see cref="BeginTransaction"/>; retriable
    /// errors are retried on the scheduler up to <c>max.block.ms</c>.
    /// </summary>
    /// <exception cref="InvalidOperationException">The producer has no <c>transactional.id</c>, or was initialized already.</exception>
    /// <exception cref="ProducerFencedException">A newer producer with the same id holds it; the producer is done.</exception>
    /// <exception cref="AuthorizationException">Not authorized for the transactional id; the producer is done.</exception>
    /// <exception cref="RequestTimedOutException">Still no answer after <c>max.block.ms</c>; the call may be made again.</exception>
    public Task InitTransactionsAsync(CancellationToken cancellationToken = default) => Transactional().InitAsync(cancellationToken);

    /// <summary>Opens a transaction: records sent from now on, and offsets sent with <see cref="SendOffsetsToTransactionAsync"/>, are committed or aborted together.</summary>
    /// <exception cref="InvalidOperationException">Not initialized, or a transaction is open (the message names the state).</exception>
    public void BeginTransaction() => Transactional().Begin();

    /// <summary>
    /// Adds consumed offsets to the transaction (AddOffsetsToTxn, then TxnOffsetCommit to the group's coordinator):
    /// they become <paramref name="group"/>'s committed offsets only if the transaction commits. Each offset is
    /// the next one to read. <paramref name="group"/> is the consumer's <c>KafkaConsumer.GroupMetadata</c>,
    /// so the coordinator refuses offsets of a member the group has moved on from (KIP-447).
    /// </summary>
    /// <exception cref="InvalidOperationException">No transaction is open.</exception>
    /// <exception cref="KafkaException">The offsets were refused (the transaction must now be aborted), or a fatal error.</exception>
    public Task SendOffsetsToTransactionAsync(IEnumerable<TopicPartitionOffset> offsets, ConsumerGroupMetadata group, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(offsets);
        ArgumentNullException.ThrowIfNull(group);
        var list = offsets.ToList();
        if (list.Any(o => o.Offset < 0))
        {
            throw new ArgumentException($"an offset to commit must not be negative: {string.Join(", ", list.Where(o => o.Offset < 0))}", nameof(offsets));
        }

        if (string.IsNullOrEmpty(group.GroupId))
        {
            throw new ArgumentException("the consumer group metadata names no group id", nameof(group));
        }

        return Transactional().SendOffsetsAsync(list, group, cancellationToken);
    }

    /// <summary>
    /// Sends every record of the transaction and waits for them, then commits it (EndTxn): its records become
    /// visible to read_committed consumers and its offsets committed. If a record failed, nothing is committed:
    /// the call throws and the transaction must be aborted.
    /// </summary>
    /// <exception cref="InvalidOperationException">No transaction is open, or it must be aborted.</exception>
    /// <exception cref="KafkaException">A record failed (abort the transaction), or a fatal error such as <see cref="ProducerFencedException"/>.</exception>
    public Task CommitTransactionAsync(CancellationToken cancellationToken = default) => Transactional().CommitAsync(cancellationToken);

    /// <summary>
    /// Aborts the transaction (EndTxn): records not sent yet fail with <see cref="TransactionAbortedException"/>,
    /// records in flight are waited for, and none of its records or offsets is ever seen by read_committed
    /// consumers. After an error that left the producer's sequences in doubt the epoch is bumped (KIP-360), and
    /// the producer is ready for the next transaction.
    /// </summary>
    /// <exception cref="InvalidOperationException">No transaction is open.</exception>
    /// <exception cref="KafkaException">A fatal error such as <see cref="ProducerFencedException"/>.</exception>
    public Task AbortTransactionAsync(CancellationToken cancellationToken = default) => Transactional().AbortAsync(cancellationToken);

    private TransactionManager Transactional() =>
        _transactions ?? throw new InvalidOperationException("The producer is not transactional: set ProducerOptions.TransactionalId (transactional.id)");
}
