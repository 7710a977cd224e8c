using RxKafka.Protocol;

namespace RxKafka;

/// <summary>
/// The fetch offset lies outside the partition's log; the consumer's auto.offset.reset decides what happens. Kafka error <see cref="ErrorCode.OffsetOutOfRange"/>.
/// </summary>
public sealed class OffsetOutOfRangeException : KafkaException
{
    /// <summary>Creates the exception with the error code's standard message.</summary>
    public OffsetOutOfRangeException()
        : this(KafkaErrors.FormatMessage(ErrorCode.OffsetOutOfRange, context: null))
    {
    }

    /// <summary>Creates the exception with a specific message.</summary>
    public OffsetOutOfRangeException(string message)
        : this(message, innerException: null)
    {
    }

    /// <summary>Creates the exception with a specific message and cause.</summary>
    public OffsetOutOfRangeException(string message, Exception? innerException)
        : base(ErrorCode.OffsetOutOfRange, message, innerException)
    {
    }
}
