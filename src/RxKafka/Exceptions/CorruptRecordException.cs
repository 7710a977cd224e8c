using RxKafka.Protocol;

namespace RxKafka;

/// <summary>
/// The broker found a record batch corrupt (CRC, size or a null key on a compacted topic). Kafka error <see cref="ErrorCode.CorruptMessage"/>.
/// </summary>
public sealed class CorruptRecordException : KafkaException
{
    /// <summary>Creates the exception with the error code's standard message.</summary>
    public CorruptRecordException()
        : this(KafkaErrors.FormatMessage(ErrorCode.CorruptMessage, context: null))
    {
    }

    /// <summary>Creates the exception with a specific message.</summary>
    public CorruptRecordException(string message)
        : this(message, innerException: null)
    {
    }

    /// <summary>Creates the exception with a specific message and cause.</summary>
    public CorruptRecordException(string message, Exception? innerException)
        : base(ErrorCode.CorruptMessage, message, innerException)
    {
    }
}
