using RxKafka.Protocol;

namespace RxKafka;

/// <summary>
/// The transaction failed; abort it to keep using the transactional id. Kafka error <see cref="ErrorCode.TransactionAbortable"/>.
/// </summary>
public sealed class TransactionAbortableException : KafkaException
{
    /// <summary>Creates the exception with the error code's standard message.</summary>
    public TransactionAbortableException()
        : this(KafkaErrors.FormatMessage(ErrorCode.TransactionAbortable, context: null))
    {
    }

    /// <summary>Creates the exception with a specific message.</summary>
    public TransactionAbortableException(string message)
        : this(message, innerException: null)
    {
    }

    /// <summary>Creates the exception with a specific message and cause.</summary>
    public TransactionAbortableException(string message, Exception? innerException)
        : base(ErrorCode.TransactionAbortable, message, innerException)
    {
    }
}
