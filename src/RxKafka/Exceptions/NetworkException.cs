using RxKafka.Protocol;

namespace RxKafka;

/// <summary>
/// The connection closed before a response arrived; the client refreshes metadata and retries. Kafka error <see cref="ErrorCode.NetworkException"/>.
/// </summary>
public class NetworkException : InvalidMetadataException
{
    /// <summary>Creates the exception with the error code's standard message.</summary>
    public NetworkException()
        : this(KafkaErrors.FormatMessage(ErrorCode.NetworkException, context: null))
    {
    }

    /// <summary>Creates the exception with a specific message.</summary>
    public NetworkException(string message)
        : this(message, innerException: null)
    {
    }

    /// <summary>Creates the exception with a specific message and cause.</summary>
    public NetworkException(string message, Exception? innerException)
        : base(ErrorCode.NetworkException, message, innerException)
    {
    }
}
