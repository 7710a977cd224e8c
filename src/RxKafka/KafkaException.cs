using RxKafka.Protocol;

namespace RxKafka;

/// <summary>
/// The root of every exception RxKafka throws for a Kafka-level failure. Carries the Kafka
/// <see cref="ErrorCode"/> where the failure has one (<see cref="ErrorCode.UnknownServerError"/>
/// or <see cref="ErrorCode.None"/> where it does not).
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

/// <summary>
/// Bytes that do not follow the Kafka protocol: a truncated or malformed frame, a bad length,
/// a bad varint, a bad CRC, an unknown magic or compression attribute. The message says which.
/// </summary>
public class KafkaProtocolException : KafkaException
{
    /// <summary>Creates a protocol exception with a message that names what was wrong.</summary>
    public KafkaProtocolException(string message)
        : base(ErrorCode.CorruptMessage, message)
    {
    }

    /// <summary>Creates a protocol exception with a message and the underlying cause.</summary>
    public KafkaProtocolException(string message, Exception? innerException)
        : base(ErrorCode.CorruptMessage, message, innerException)
    {
    }

    /// <summary>
    /// Always false: bytes that break the protocol are decoded the same way again. (A broker's
    /// CORRUPT_MESSAGE error code is retriable, but that is a <see cref="KafkaException"/> from the broker.)
    /// </summary>
    public override bool IsRetriable => false;
}
