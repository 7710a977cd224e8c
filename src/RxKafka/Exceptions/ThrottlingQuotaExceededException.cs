using RxKafka.Protocol;

namespace RxKafka;

/// <summary>
/// The request went over the throttling quota; retry after the throttle time. Kafka error <see cref="ErrorCode.ThrottlingQuotaExceeded"/>.
/// </summary>
public sealed class ThrottlingQuotaExceededException : KafkaException
{
    /// <summary>Creates the exception with the error code's standard message.</summary>
    public ThrottlingQuotaExceededException()
        : this(KafkaErrors.FormatMessage(ErrorCode.ThrottlingQuotaExceeded, context: null))
    {
    }

    /// <summary>Creates the exception with a specific message.</summary>
    public ThrottlingQuotaExceededException(string message)
        : this(message, innerException: null)
    {
    }

    /// <summary>Creates the exception with a specific message and cause.</summary>
    public ThrottlingQuotaExceededException(string message, Exception? innerException)
        : base(ErrorCode.ThrottlingQuotaExceeded, message, innerException)
    {
    }
}
