namespace RxKafka.Consumer;

/// <summary>Which transactional records a consumer reads (<c>isolation.level</c>, KIP-98).</summary>
public enum IsolationLevel
{
    /// <summary>Every record, those of open and aborted transactions included, up to the high watermark (<c>read_uncommitted</c>, the default).</summary>
    ReadUncommitted = 0,

    /// <summary>
    /// Only records of committed transactions and non-transactional ones, up to the last stable offset
    /// (<c>read_committed</c>): reading stops before the first record of a transaction still open (T2).
    /// </summary>
    ReadCommitted = 1,
}
