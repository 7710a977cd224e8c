using RxKafka.Protocol;

namespace RxKafka;

/// <summary>
/// The broker could not access the partition's log on disk; another replica may take over. Kafka error <see cref="ErrorCode.KafkaStorageError"/>.
/// </summary>
public sealed class KafkaStorageException : InvalidMetadataException
{
    /// <summary>Creates the exception with the error code's standard message.</summary>
    public KafkaStorageException()
        : this(KafkaErrors.FormatMessage(ErrorCode.KafkaStorageError, context: null))
    {
    }

    /// <summary>Creates the exception with a specific message.</summary>
    public KafkaStorageException(string message)
        : this(message, innerException: null)
    {
    }

    /// <summary>Creates the exception with a specific message and cause.</summary>
    public KafkaStorageException(string message, Exception? innerException)
        : base(ErrorCode.KafkaStorageError, message, innerException)
    {
    }
}
