using RxKafka.Protocol;

namespace RxKafka;

/// <summary>
/// Another static member with the same group.instance.id has replaced this one. Kafka error <see cref="ErrorCode.FencedInstanceId"/>.
/// </summary>
public sealed class FencedInstanceIdException : KafkaException
{
    /// <summary>Creates the exception with the error code's standard message.</summary>
    public FencedInstanceIdException()
        : this(KafkaErrors.FormatMessage(ErrorCode.FencedInstanceId, context: null))
    {
    }

    /// <summary>Creates the exception with a specific message.</summary>
    public FencedInstanceIdException(string message)
        : this(message, innerException: null)
    {
    }

    /// <summary>Creates the exception with a specific message and cause.</summary>
    public FencedInstanceIdException(string message, Exception? innerException)
        : base(ErrorCode.FencedInstanceId, message, innerException)
    {
    }
}
