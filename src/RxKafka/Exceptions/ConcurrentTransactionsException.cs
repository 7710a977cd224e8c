using RxKafka.Protocol;

namespace RxKafka;

/// <summary>
/// Another operation on the same transaction is still in progress; retry shortly. Kafka error <see cref="ErrorCode.ConcurrentTransactions"/>.
/// </summary>
public sealed class ConcurrentTransactionsException : KafkaException
{
    /// <summary>Creates the exception with the error code's standard message.</summary>
    public ConcurrentTransactionsException()
        : this(KafkaErrors.FormatMessage(ErrorCode.ConcurrentTransactions, context: null))
    {
    }

    /// <summary>Creates the exception with a specific message.</summary>
    public ConcurrentTransactionsException(string message)
        : this(message, innerException: null)
    {
    }

    /// <summary>Creates the exception with a specific message and cause.</summary>
    public ConcurrentTransactionsException(string message, Exception? innerException)
        : base(ErrorCode.ConcurrentTransactions, message, innerException)
    {
    }
}
