using RxKafka.Protocol;

namespace RxKafka;

/// <summary>
/// The write reached the leader's log, but fewer replicas than required were in sync. Kafka error <see cref="ErrorCode.NotEnoughReplicasAfterAppend"/>.
/// </summary>
public sealed class NotEnoughReplicasAfterAppendException : KafkaException
{
    /// <summary>Creates the exception with the error code's standard message.</summary>
    public NotEnoughReplicasAfterAppendException()
        : this(KafkaErrors.FormatMessage(ErrorCode.NotEnoughReplicasAfterAppend, context: null))
    {
    }

    /// <summary>Creates the exception with a specific message.</summary>
    public NotEnoughReplicasAfterAppendException(string message)
        : this(message, innerException: null)
    {
    }

    /// <summary>Creates the exception with a specific message and cause.</summary>
    public NotEnoughReplicasAfterAppendException(string message, Exception? innerException)
        : base(ErrorCode.NotEnoughReplicasAfterAppend, message, innerException)
    {
    }
}
