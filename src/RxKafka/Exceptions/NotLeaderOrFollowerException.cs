using RxKafka.Protocol;

namespace RxKafka;

/// <summary>
/// The broker is not the leader (or not a replica) of the partition; metadata is stale. Kafka error <see cref="ErrorCode.NotLeaderOrFollower"/>.
/// </summary>
public sealed class NotLeaderOrFollowerException : InvalidMetadataException
{
    /// <summary>Creates the exception with the error code's standard message.</summary>
    public NotLeaderOrFollowerException()
        : this(KafkaErrors.FormatMessage(ErrorCode.NotLeaderOrFollower, context: null))
    {
    }

    /// <summary>Creates the exception with a specific message.</summary>
    public NotLeaderOrFollowerException(string message)
        : this(message, innerException: null)
    {
    }

    /// <summary>Creates the exception with a specific message and cause.</summary>
    public NotLeaderOrFollowerException(string message, Exception? innerException)
        : base(ErrorCode.NotLeaderOrFollower, message, innerException)
    {
    }
}
