using RxKafka.Protocol;

namespace RxKafka;

/// <summary>
/// The broker does not support the API version (or feature) the request needs. Kafka error <see cref="ErrorCode.UnsupportedVersion"/>.
/// </summary>
public sealed class UnsupportedVersionException : KafkaException
{
    /// <summary>Creates the exception with the error code's standard message.</summary>
    public UnsupportedVersionException()
        : this(KafkaErrors.FormatMessage(ErrorCode.UnsupportedVersion, context: null))
    {
    }

    /// <summary>Creates the exception with a specific message.</summary>
    public UnsupportedVersionException(string message)
        : this(message, innerException: null)
    {
    }

    /// <summary>Creates the exception with a specific message and cause.</summary>
    public UnsupportedVersionException(string message, Exception? innerException)
        : base(ErrorCode.UnsupportedVersion, message, innerException)
    {
    }
}
