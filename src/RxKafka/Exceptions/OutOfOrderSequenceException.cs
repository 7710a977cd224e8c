using RxKafka.Protocol;

namespace RxKafka;

/// <summary>
/// The broker received a produce sequence number out of order for an idempotent producer. Kafka error <see cref="ErrorCode.OutOfOrderSequenceNumber"/>.
/// </summary>
public sealed class OutOfOrderSequenceException : KafkaException
{
    /// <summary>Creates the exception with the error code's standard message.</summary>
    public OutOfOrderSequenceException()
        : this(KafkaErrors.FormatMessage(ErrorCode.OutOfOrderSequenceNumber, context: null))
    {
    }

    /// <summary>Creates the exception with a specific message.</summary>
    public OutOfOrderSequenceException(string message)
        : this(message, innerException: null)
    {
    }

    /// <summary>Creates the exception with a specific message and cause.</summary>
    public OutOfOrderSequenceException(string message, Exception? innerException)
        : base(ErrorCode.OutOfOrderSequenceNumber, message, innerException)
    {
    }
}
