using RxKafka.Protocol;

namespace RxKafka;

/// <summary>
/// The broker had already written a batch with this producer sequence number. Kafka error <see cref="ErrorCode.DuplicateSequenceNumber"/>.
/// </summary>
public sealed class DuplicateSequenceException : KafkaException
{
    /// <summary>Creates the exception with the error code's standard message.</summary>
    public DuplicateSequenceException()
        : this(KafkaErrors.FormatMessage(ErrorCode.DuplicateSequenceNumber, context: null))
    {
    }

    /// <summary>Creates the exception with a specific message.</summary>
    public DuplicateSequenceException(string message)
        : this(message, innerException: null)
    {
    }

    /// <summary>Creates the exception with a specific message and cause.</summary>
    public DuplicateSequenceException(string message, Exception? innerException)
        : base(ErrorCode.DuplicateSequenceNumber, message, innerException)
    {
    }
}
