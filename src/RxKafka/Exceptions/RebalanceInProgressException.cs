using RxKafka.Protocol;

namespace RxKafka;

/// <summary>
/// The group is rebalancing; the member has to rejoin. Kafka error <see cref="ErrorCode.RebalanceInProgress"/>.
/// </summary>
public sealed class RebalanceInProgressException : KafkaException
{
    /// <summary>Creates the exception with the error code's standard message.</summary>
    public RebalanceInProgressException()
        : this(KafkaErrors.FormatMessage(ErrorCode.RebalanceInProgress, context: null))
    {
    }

    /// <summary>Creates the exception with a specific message.</summary>
    public RebalanceInProgressException(string message)
        : this(message, innerException: null)
    {
    }

    /// <summary>Creates the exception with a specific message and cause.</summary>
    public RebalanceInProgressException(string message, Exception? innerException)
        : base(ErrorCode.RebalanceInProgress, message, innerException)
    {
    }
}
