using RxKafka.Protocol;

namespace RxKafka;

/// <summary>
/// The transactional operation is not allowed in the producer's current transaction state. Kafka error <see cref="ErrorCode.InvalidTxnState"/>.
/// </summary>
public sealed class InvalidTxnStateException : KafkaException
{
    /// <summary>Creates the exception with the error code's standard message.</summary>
    public InvalidTxnStateException()
        : this(KafkaErrors.FormatMessage(ErrorCode.InvalidTxnState, context: null))
    {
    }

    /// <summary>Creates the exception with a specific message.</summary>
    public InvalidTxnStateException(string message)
        : this(message, innerException: null)
    {
    }

    /// <summary>Creates the exception with a specific message and cause.</summary>
    public InvalidTxnStateException(string message, Exception? innerException)
        : base(ErrorCode.InvalidTxnState, message, innerException)
    {
    }
}
