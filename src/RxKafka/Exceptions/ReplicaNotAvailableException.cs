using RxKafka.Protocol;

namespace RxKafka;

/// <summary>
/// The replica asked for is not available on the broker. Kafka error <see cref="ErrorCode.ReplicaNotAvailable"/>.
/// </summary>
public sealed class ReplicaNotAvailableException : InvalidMetadataException
{
    /// <summary>Creates the exception with the error code's standard message.</summary>
    public ReplicaNotAvailableException()
        : this(KafkaErrors.FormatMessage(ErrorCode.ReplicaNotAvailable, context: null))
    {
    }

    /// <summary>Creates the exception with a specific message.</summary>
    public ReplicaNotAvailableException(string message)
        : this(message, innerException: null)
    {
    }

    /// <summary>Creates the exception with a specific message and cause.</summary>
    public ReplicaNotAvailableException(string message, Exception? innerException)
        : base(ErrorCode.ReplicaNotAvailable, message, innerException)
    {
    }
}
