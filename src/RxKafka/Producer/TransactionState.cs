namespace RxKafka.Producer;

/// <summary>Where a transactional producer is in its life (the states of the Java client's TransactionManager, T1).</summary>
public enum TransactionState
{
    /// <summary>Not transactional, or <c>InitTransactionsAsync</c> not called yet.</summary>
    Uninitialized,

    /// <summary><c>InitTransactionsAsync</c> is running: finding the coordinator, getting the producer id and epoch.</summary>
    Initializing,

    /// <summary>Initialized, no transaction open: <c>BeginTransaction</c> is next.</summary>
    Ready,

    /// <summary>A transaction is open: records and offsets may be sent in it.</summary>
    InTransaction,

    /// <summary><c>CommitTransactionAsync</c> is flushing the records and ending the transaction.</summary>
    Committing,

    /// <summary><c>AbortTransactionAsync</c> is dropping unsent records and ending the transaction.</summary>
    Aborting,

    /// <summary>Something in the transaction failed: only <c>AbortTransactionAsync</c> is allowed; the producer goes on after it.</summary>
    AbortableError,

    /// <summary>Terminal (fenced, not authorized, unsupported): every call throws the cause; close the producer.</summary>
    FatalError,
}
