using RxKafka.Protocol;

namespace RxKafka;

/// <summary>
/// The group generation id is not the current one; the member has to rejoin. Kafka error <see cref="ErrorCode.IllegalGeneration"/>.
/// </summary>
public sealed class IllegalGenerationException : KafkaException
{
    /// <summary>Creates the exception with the error code's standard message.</summary>
    public IllegalGenerationException()
        : this(KafkaErrors.FormatMessage(ErrorCode.IllegalGeneration, context: null))
    {
    }

    /// <summary>Creates the exception with a specific message.</summary>
    public IllegalGenerationException(string message)
        : this(message, innerException: null)
    {
    }

    /// <summary>Creates the exception with a specific message and cause.</summary>
    public IllegalGenerationException(string message, Exception? innerException)
        : base(ErrorCode.IllegalGeneration, message, innerException)
    {
    }
}
