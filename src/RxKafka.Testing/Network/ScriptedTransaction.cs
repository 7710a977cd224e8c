namespace RxKafka.Testing.Network;

/// <summary>
/// Where a transactional id's transaction stands at a <see cref="ScriptedCluster"/>'s transaction coordinator:
/// the states of Kafka's TransactionMetadata.
/// </summary>
public enum ScriptedTransactionState
{
    /// <summary>No transaction yet since InitProducerId.</summary>
    Empty,

    /// <summary>Partitions or a group's offsets were added: the transaction is open.</summary>
    Ongoing,

    /// <summary>EndTxn(COMMIT) was accepted; the commit markers are being written.</summary>
    PrepareCommit,

    /// <summary>EndTxn(ABORT), a timeout or a fence was accepted; the abort markers are being written.</summary>
    PrepareAbort,

    /// <summary>The last transaction committed: every marker landed.</summary>
    CompleteCommit,

    /// <summary>The last transaction aborted: every marker landed.</summary>
    CompleteAbort,

    /// <summary>
    /// The coordinator bumped the epoch to fence the producer of an open transaction (an InitProducerId from a
    /// new instance, or the transaction timed out) and is about to abort it; it moves on to
    /// <see cref="PrepareAbort"/> at once.
    /// </summary>
    PrepareEpochFence,

    /// <summary>The transactional id expired (<see cref="ScriptedCluster.ExpireTransactionalId"/>): its next InitProducerId starts afresh.</summary>
    Dead,
}

/// <summary>What a <see cref="ScriptedCluster"/>'s transaction coordinator holds for one transactional id.</summary>
/// <param name="TransactionalId">The transactional id.</param>
/// <param name="ProducerId">The producer id the id maps to.</param>
/// <param name="ProducerEpoch">The current producer epoch; older epochs are fenced.</param>
/// <param name="State">Where the current (or last) transaction stands.</param>
/// <param name="TimeoutMs">The transaction timeout the last InitProducerId asked for (<c>transaction.timeout.ms</c>).</param>
/// <param name="Partitions">The partitions added to the open transaction (or being completed), in topic and partition order.</param>
/// <param name="Groups">The groups whose offsets were added to the open transaction (AddOffsetsToTxn), in ordinal order.</param>
/// <param name="StartedAt">When the open transaction began (its first AddPartitionsToTxn or AddOffsetsToTxn), or null.</param>
public sealed record ScriptedTransaction(
    string TransactionalId,
    long ProducerId,
    short ProducerEpoch,
    ScriptedTransactionState State,
    int TimeoutMs,
    IReadOnlyList<TopicPartition> Partitions,
    IReadOnlyList<string> Groups,
    DateTimeOffset? StartedAt);

/// <summary>
/// One entry of a partition's aborted-transaction index in a <see cref="ScriptedCluster"/>: a transaction of
/// <paramref name="ProducerId"/> whose records from <paramref name="FirstOffset"/> on were aborted by the marker
/// at <paramref name="LastOffset"/>. A read_committed Fetch lists the entries that overlap what it returns.
/// </summary>
/// <param name="ProducerId">The producer id of the aborted transaction.</param>
/// <param name="FirstOffset">The offset of the transaction's first record on the partition (the marker's, when it wrote none).</param>
/// <param name="LastOffset">The offset of the abort marker.</param>
public sealed record ScriptedAbortedTransaction(long ProducerId, long FirstOffset, long LastOffset);
