using RxKafka.Protocol;

namespace RxKafka;

/// <summary>
/// The write was rejected: fewer replicas are in sync than min.insync.replicas requires. Kafka error <see cref="ErrorCode.NotEnoughReplicas"/>.
/// </summary>
public sealed class NotEnoughReplicasException : KafkaException
{
    /// <summary>Creates the exception with the error code's standard message.</summary>
    public NotEnoughReplicasException()
        : this(KafkaErrors.FormatMessage(ErrorCode.NotEnoughReplicas, context: null))
    {
    }

    /// <summary>Creates the exception with a specific message.</summary>
    public NotEnoughReplicasException(string message)
        : this(message, innerException: null)
    {
    }

    /// <summary>Creates the exception with a specific message and cause.</summary>
    public NotEnoughReplicasException(string message, Exception? innerException)
        : base(ErrorCode.NotEnoughReplicas, message, innerException)
    {
    }
}
