using RxKafka.Protocol;

namespace RxKafka;

/// <summary>
/// The replication factor is below 1 or above the number of available brokers. Kafka error <see cref="ErrorCode.InvalidReplicationFactor"/>.
/// </summary>
public sealed class InvalidReplicationFactorException : KafkaException
{
    /// <summary>Creates the exception with the error code's standard message.</summary>
    public InvalidReplicationFactorException()
        : this(KafkaErrors.FormatMessage(ErrorCode.InvalidReplicationFactor, context: null))
    {
    }

    /// <summary>Creates the exception with a specific message.</summary>
    public InvalidReplicationFactorException(string message)
        : this(message, innerException: null)
    {
    }

    /// <summary>Creates the exception with a specific message and cause.</summary>
    public InvalidReplicationFactorException(string message, Exception? innerException)
        : base(ErrorCode.InvalidReplicationFactor, message, innerException)
    {
    }
}
