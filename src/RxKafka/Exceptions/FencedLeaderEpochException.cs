using RxKafka.Protocol;

namespace RxKafka;

/// <summary>
/// The leader epoch the client sent is older than the broker's; metadata is stale. Kafka error <see cref="ErrorCode.FencedLeaderEpoch"/>.
/// </summary>
public sealed class FencedLeaderEpochException : InvalidMetadataException
{
    /// <summary>Creates the exception with the error code's standard message.</summary>
    public FencedLeaderEpochException()
        : this(KafkaErrors.FormatMessage(ErrorCode.FencedLeaderEpoch, context: null))
    {
    }

    /// <summary>Creates the exception with a specific message.</summary>
    public FencedLeaderEpochException(string message)
        : this(message, innerException: null)
    {
    }

    /// <summary>Creates the exception with a specific message and cause.</summary>
    public FencedLeaderEpochException(string message, Exception? innerException)
        : base(ErrorCode.FencedLeaderEpoch, message, innerException)
    {
    }
}
