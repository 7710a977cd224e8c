using RxKafka.Protocol;

namespace RxKafka;

/// <summary>
/// The number of partitions asked for is not valid. Kafka error <see cref="ErrorCode.InvalidPartitions"/>.
/// </summary>
public sealed class InvalidPartitionsException : KafkaException
{
    /// <summary>Creates the exception with the error code's standard message.</summary>
    public InvalidPartitionsException()
        : this(KafkaErrors.FormatMessage(ErrorCode.InvalidPartitions, context: null))
    {
    }

    /// <summary>Creates the exception with a specific message.</summary>
    public InvalidPartitionsException(string message)
        : this(message, innerException: null)
    {
    }

    /// <summary>Creates the exception with a specific message and cause.</summary>
    public InvalidPartitionsException(string message, Exception? innerException)
        : base(ErrorCode.InvalidPartitions, message, innerException)
    {
    }
}
