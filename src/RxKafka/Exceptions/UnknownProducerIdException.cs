using RxKafka.Protocol;

namespace RxKafka;

/// <summary>
/// The broker has no state for the producer id, for example after its records expired. Kafka error <see cref="ErrorCode.UnknownProducerId"/>.
/// </summary>
public sealed class UnknownProducerIdException : KafkaException
{
    /// <summary>Creates the exception with the error code's standard message.</summary>
    public UnknownProducerIdException()
        : this(KafkaErrors.FormatMessage(ErrorCode.UnknownProducerId, context: null))
    {
    }

    /// <summary>Creates the exception with a specific message.</summary>
    public UnknownProducerIdException(string message)
        : this(message, innerException: null)
    {
    }

    /// <summary>Creates the exception with a specific message and cause.</summary>
    public UnknownProducerIdException(string message, Exception? innerException)
        : base(ErrorCode.UnknownProducerId, message, innerException)
    {
    }
}
