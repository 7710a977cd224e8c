using RxKafka.Protocol;

namespace RxKafka;

/// <summary>
/// The producer epoch is older than the current one for the producer id. Kafka error <see cref="ErrorCode.InvalidProducerEpoch"/>.
/// </summary>
public sealed class InvalidProducerEpochException : KafkaException
{
    /// <summary>Creates the exception with the error code's standard message.</summary>
    public InvalidProducerEpochException()
        : this(KafkaErrors.FormatMessage(ErrorCode.InvalidProducerEpoch, context: null))
    {
    }

    /// <summary>Creates the exception with a specific message.</summary>
    public InvalidProducerEpochException(string message)
        : this(message, innerException: null)
    {
    }

    /// <summary>Creates the exception with a specific message and cause.</summary>
    public InvalidProducerEpochException(string message, Exception? innerException)
        : base(ErrorCode.InvalidProducerEpoch, message, innerException)
    {
    }
}
