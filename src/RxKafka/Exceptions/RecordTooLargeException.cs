using RxKafka.Protocol;

namespace RxKafka;

/// <summary>
/// A record is larger than the broker (or topic) accepts (message.max.bytes / max.message.bytes). Kafka error <see cref="ErrorCode.MessageTooLarge"/>.
/// </summary>
public sealed class RecordTooLargeException : KafkaException
{
    /// <summary>Creates the exception with the error code's standard message.</summary>
    public RecordTooLargeException()
        : this(KafkaErrors.FormatMessage(ErrorCode.MessageTooLarge, context: null))
    {
    }

    /// <summary>Creates the exception with a specific message.</summary>
    public RecordTooLargeException(string message)
        : this(message, innerException: null)
    {
    }

    /// <summary>Creates the exception with a specific message and cause.</summary>
    public RecordTooLargeException(string message, Exception? innerException)
        : base(ErrorCode.MessageTooLarge, message, innerException)
    {
    }
}
