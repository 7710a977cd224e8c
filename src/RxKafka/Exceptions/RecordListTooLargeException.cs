using RxKafka.Protocol;

namespace RxKafka;

/// <summary>
/// A record batch is larger than the broker's log segment size. Kafka error <see cref="ErrorCode.RecordListTooLarge"/>.
/// </summary>
public sealed class RecordListTooLargeException : KafkaException
{
    /// <summary>Creates the exception with the error code's standard message.</summary>
    public RecordListTooLargeException()
        : this(KafkaErrors.FormatMessage(ErrorCode.RecordListTooLarge, context: null))
    {
    }

    /// <summary>Creates the exception with a specific message.</summary>
    public RecordListTooLargeException(string message)
        : this(message, innerException: null)
    {
    }

    /// <summary>Creates the exception with a specific message and cause.</summary>
    public RecordListTooLargeException(string message, Exception? innerException)
        : base(ErrorCode.RecordListTooLarge, message, innerException)
    {
    }
}
