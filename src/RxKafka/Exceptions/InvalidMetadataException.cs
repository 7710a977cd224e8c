using RxKafka.Protocol;

namespace RxKafka;

/// <summary>
/// The base of the retriable errors that mean the client's view of the cluster is out of date
/// (a partition moved, a leader changed, a broker went away): refresh metadata, then retry.
/// </summary>
public abstract class InvalidMetadataException : KafkaException
{
    /// <summary>Creates the exception for a metadata-related error code.</summary>
    protected InvalidMetadataException(ErrorCode errorCode, string message, Exception? innerException)
        : base(errorCode, message, innerException)
    {
    }
}
