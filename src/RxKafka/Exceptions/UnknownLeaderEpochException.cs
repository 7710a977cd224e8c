using RxKafka.Protocol;

namespace RxKafka;

/// <summary>
/// The leader epoch the client sent is newer than the broker's; the broker is behind, retry. Kafka error <see cref="ErrorCode.UnknownLeaderEpoch"/>.
/// </summary>
public sealed class UnknownLeaderEpochException : KafkaException
{
    /// <summary>Creates the exception with the error code's standard message.</summary>
    public UnknownLeaderEpochException()
        : this(KafkaErrors.FormatMessage(ErrorCode.UnknownLeaderEpoch, context: null))
    {
    }

    /// <summary>Creates the exception with a specific message.</summary>
    public UnknownLeaderEpochException(string message)
        : this(message, innerException: null)
    {
    }

    /// <summary>Creates the exception with a specific message and cause.</summary>
    public UnknownLeaderEpochException(string message, Exception? innerException)
        : base(ErrorCode.UnknownLeaderEpoch, message, innerException)
    {
    }
}
