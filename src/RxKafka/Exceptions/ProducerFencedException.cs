using RxKafka.Protocol;

namespace RxKafka;

/// <summary>
/// A newer producer with the same transactional id has fenced this producer; it must be closed. Kafka error <see cref="ErrorCode.ProducerFenced"/>.
/// </summary>
public sealed class ProducerFencedException : KafkaException
{
    /// <summary>Creates the exception with the error code's standard message.</summary>
    public ProducerFencedException()
        : this(KafkaErrors.FormatMessage(ErrorCode.ProducerFenced, context: null))
    {
    }

    /// <summary>Creates the exception with a specific message.</summary>
    public ProducerFencedException(string message)
        : this(message, innerException: null)
    {
    }

    /// <summary>Creates the exception with a specific message and cause.</summary>
    public ProducerFencedException(string message, Exception? innerException)
        : base(ErrorCode.ProducerFenced, message, innerException)
    {
    }
}
