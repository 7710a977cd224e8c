using RxKafka.Protocol;

namespace RxKafka;

/// <summary>
/// The partition has no leader at the moment, typically during a leader election. Kafka error <see cref="ErrorCode.LeaderNotAvailable"/>.
/// </summary>
public sealed class LeaderNotAvailableException : InvalidMetadataException
{
    /// <summary>Creates the exception with the error code's standard message.</summary>
    public LeaderNotAvailableException()
        : this(KafkaErrors.FormatMessage(ErrorCode.LeaderNotAvailable, context: null))
    {
    }

    /// <summary>Creates the exception with a specific message.</summary>
    public LeaderNotAvailableException(string message)
        : this(message, innerException: null)
    {
    }

    /// <summary>Creates the exception with a specific message and cause.</summary>
    public LeaderNotAvailableException(string message, Exception? innerException)
        : base(ErrorCode.LeaderNotAvailable, message, innerException)
    {
    }
}
