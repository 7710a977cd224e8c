
namespace RxKafka;

/// <summary>
/// The client and the broker do not speak the same protocol here: bytes that break it (a truncated or
/// malformed frame, a bad length, varint, CRC, magic or compression attribute: <see cref="ErrorCode.CorruptMessage"/>
/// as the code), a request the broker could not parse (<see cref="ErrorCode.InvalidRequest"/>), or no version both
/// sides support. The message says which. Never retriable.
/// </summary>
public class KafkaProtocolException : KafkaException
{
    /// <summary>Creates a protocol exception for bytes that break the protocol, with a message that names what was wrong.</summary>
    public KafkaProtocolException(string message)
        : base(ErrorCode.CorruptMessage, message)
    {
    }

    /// <summary>Creates a protocol exception for bytes that break the protocol, with a message and the underlying cause.</summary>
    public KafkaProtocolException(string message, Exception? innerException)
        : base(ErrorCode.CorruptMessage, message, innerException)
    {
    }

    /// <summary>Creates a protocol exception for a broker error code of the protocol family.</summary>
    /// <param name="errorCode">The Kafka error code, e.g. <see cref="ErrorCode.InvalidRequest"/>.</param>
    /// <param name="message">The request and broker, and what was wrong.</param>
    /// <param name="innerException">The cause, if any.</param>
    public KafkaProtocolException(ErrorCode errorCode, string message, Exception? innerException = null)
        : base(errorCode, message, innerException)
    {
    }

    /// <summary>
    /// Always false: bytes that break the protocol are decoded the same way again. (A broker's
    /// CORRUPT_MESSAGE error code is retriable, but that is a <see cref="RetriableException"/> from the broker.)
    /// </summary>
    public override bool IsRetriable => false;
}

/// <summary>
/// The broker does not support the API, or no version of it both sides support; the message names the API and
/// both version ranges (C2). Kafka error <see cref="ErrorCode.UnsupportedVersion"/>. Its own type because a
/// caller can fall back (an older API, a feature turned off) where other protocol errors leave nothing to do.
/// </summary>
public sealed class UnsupportedVersionException : KafkaProtocolException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">The API, the broker and both version ranges.</param>
    /// <param name="innerException">The cause, if any.</param>
    public UnsupportedVersionException(string message, Exception? innerException = null)
        : base(ErrorCode.UnsupportedVersion, message, innerException)
    {
    }
}
