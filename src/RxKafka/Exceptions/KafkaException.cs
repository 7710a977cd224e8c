
namespace RxKafka;

/// <summary>
/// The root of every exception RxKafka throws for a Kafka-level failure. Carries the Kafka
/// <see cref="ErrorCode"/> where the failure has one (<see cref="ErrorCode.None"/> where it is not a
/// broker error). Families derive from it (<see cref="RetriableException"/>, <see cref="InvalidMetadataException"/>,
/// <see cref="AuthorizationException"/>, <see cref="AuthenticationException"/>, <see cref="KafkaConnectionException"/>,
/// <see cref="KafkaProtocolException"/>, <see cref="KafkaConfigException"/>, serialization); codes of no family are
/// thrown as a plain <see cref="KafkaException"/>. docs/errors.md lists every code and type.
/// </summary>
public class KafkaException : Exception
{
    /// <summary>Creates an exception for a Kafka error code, with the code's standard message.</summary>
    public KafkaException(ErrorCode errorCode)
        : this(errorCode, KafkaErrors.Describe(errorCode).Message)
    {
    }

    /// <summary>Creates an exception for a Kafka error code with a specific message.</summary>
    public KafkaException(ErrorCode errorCode, string message)
        : base(message)
    {
        ErrorCode = errorCode;
    }

    /// <summary>Creates an exception for a Kafka error code with a specific message and cause.</summary>
    public KafkaException(ErrorCode errorCode, string message, Exception? innerException)
        : base(message, innerException)
    {
        ErrorCode = errorCode;
    }

    /// <summary>The Kafka error code, or <see cref="ErrorCode.None"/> when the failure is not a broker error.</summary>
    public ErrorCode ErrorCode { get; }

    /// <summary>Whether retrying the same operation may succeed (the error code's retriable flag).</summary>
    public virtual bool IsRetriable => KafkaErrors.Describe(ErrorCode).IsRetriable;
}
