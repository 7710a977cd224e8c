namespace RxKafka.Testing.Network;

/// <summary>How a <see cref="ScriptedCluster"/>'s transaction coordinator came to end a transaction.</summary>
public enum ScriptedTransactionEnd
{
    /// <summary>Its producer committed it (EndTxn, commit).</summary>
    Committed,

    /// <summary>Its producer aborted it (EndTxn, abort).</summary>
    Aborted,

    /// <summary>The coordinator aborted it: an InitProducerId with its transactional id (a new instance) fenced its producer.</summary>
    AbortedOnFence,

    /// <summary>The coordinator aborted it: it was open longer than its <c>transaction.timeout.ms</c>.</summary>
    AbortedOnTimeout,
}

/// <summary>
/// A transaction a <see cref="ScriptedCluster"/>'s coordinator ended, its markers written: one entry of
/// <see cref="ScriptedCluster.EndedTransactions"/>. Only transactions the coordinator knew of are there (a
/// partition or a group was added); a producer ends an empty one without asking it.
/// </summary>
/// <param name="TransactionalId">The transactional id.</param>
/// <param name="ProducerId">The producer id its markers carry.</param>
/// <param name="ProducerEpoch">The producer epoch its markers carry (the bumped one, for an abort on a fence or a timeout).</param>
/// <param name="End">Committed, or aborted by whom.</param>
/// <param name="Partitions">The partitions it had added (each got a marker), in topic and partition order.</param>
/// <param name="Groups">The groups whose offsets it had added (committed with it, or dropped), in ordinal order.</param>
/// <param name="StartedAt">When it began (its first AddPartitionsToTxn or AddOffsetsToTxn).</param>
/// <param name="EndedAt">When its markers landed.</param>
public sealed record ScriptedEndedTransaction(
    string TransactionalId,
    long ProducerId,
    short ProducerEpoch,
    ScriptedTransactionEnd End,
    IReadOnlyList<TopicPartition> Partitions,
    IReadOnlyList<string> Groups,
    DateTimeOffset? StartedAt,
    DateTimeOffset EndedAt)
{
    /// <summary>Whether it committed (<see cref="End"/> is <see cref="ScriptedTransactionEnd.Committed"/>).</summary>
    public bool IsCommitted => End == ScriptedTransactionEnd.Committed;
}
