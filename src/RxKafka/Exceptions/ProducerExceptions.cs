
namespace RxKafka;

// The producer's final errors that a caller handles differently from the rest: each ends the producer
// (fencing, a broken sequence) or the record (too large), so none is worth retrying.

/// <summary>
/// A newer producer with the same <c>transactional.id</c> has fenced this one. Kafka error
/// <see cref="ErrorCode.ProducerFenced"/>. Its own type because it is terminal (T1): close this producer.
/// </summary>
public sealed class ProducerFencedException : KafkaException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">The request, partition and broker that reported it.</param>
    /// <param name="innerException">The cause, if any.</param>
    public ProducerFencedException(string message, Exception? innerException = null)
        : base(ErrorCode.ProducerFenced, message, innerException)
    {
    }
}

/// <summary>
/// The broker received a produce sequence number out of order, so records may be lost or reordered (P1, P2).
/// Kafka error <see cref="ErrorCode.OutOfOrderSequenceNumber"/>. The producer handles the cases it can (an epoch
/// bump); its own type because a caller who sees it knows the partition's order promise is broken.
/// </summary>
public sealed class OutOfOrderSequenceException : KafkaException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">The partition and broker that reported it.</param>
    /// <param name="innerException">The cause, if any.</param>
    public OutOfOrderSequenceException(string message, Exception? innerException = null)
        : base(ErrorCode.OutOfOrderSequenceNumber, message, innerException)
    {
    }
}

/// <summary>
/// The broker has no state for this producer id (its records expired, or it was never registered).
/// Kafka error <see cref="ErrorCode.UnknownProducerId"/>. The idempotent producer bumps its epoch and goes on
/// (KIP-360); its own type because when it reaches a caller the records in flight were not written.
/// </summary>
public sealed class UnknownProducerIdException : KafkaException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">The partition and broker that reported it.</param>
    /// <param name="innerException">The cause, if any.</param>
    public UnknownProducerIdException(string message, Exception? innerException = null)
        : base(ErrorCode.UnknownProducerId, message, innerException)
    {
    }
}

/// <summary>
/// A record is larger than <c>max.request.size</c> (found before sending) or than the broker accepts
/// (<see cref="ErrorCode.MessageTooLarge"/>). Its own type because only that record fails: the caller can
/// shrink or split it and send the rest as before.
/// </summary>
public sealed class RecordTooLargeException : KafkaException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">The record's size and the limit it passed.</param>
    /// <param name="innerException">The cause, if any.</param>
    public RecordTooLargeException(string message, Exception? innerException = null)
        : base(ErrorCode.MessageTooLarge, message, innerException)
    {
    }
}

/// <summary>
/// A record of a transaction that was aborted before the record was acknowledged: it was never written, or
/// written and then aborted, so no read_committed consumer sees it (T1). Not a broker error
/// (<see cref="ErrorCode.None"/>); send the record again in a new transaction if it is still wanted.
/// </summary>
public sealed class TransactionAbortedException : KafkaException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">The transactional id and partition, and why the transaction was aborted.</param>
    /// <param name="innerException">The error that made the transaction abortable, if any.</param>
    public TransactionAbortedException(string message, Exception? innerException = null)
        : base(ErrorCode.None, message, innerException)
    {
    }
}
