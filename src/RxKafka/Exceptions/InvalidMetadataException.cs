
namespace RxKafka;

/// <summary>
/// The client's view of the cluster is out of date (a partition moved, a leader changed, a topic is not
/// known yet): refresh metadata, then retry. Kafka's invalid-metadata codes (<see cref="ErrorInfo.IsInvalidMetadata"/>);
/// <see cref="KafkaException.ErrorCode"/> says which.
/// </summary>
public class InvalidMetadataException : RetriableException
{
    /// <summary>Creates the exception for an invalid-metadata error code.</summary>
    /// <param name="errorCode">The Kafka error code, e.g. <see cref="ErrorCode.LeaderNotAvailable"/>.</param>
    /// <param name="message">What happened, to which topic or partition.</param>
    /// <param name="innerException">The cause, if any.</param>
    public InvalidMetadataException(ErrorCode errorCode, string message, Exception? innerException = null)
        : base(errorCode, message, innerException)
    {
    }
}

/// <summary>
/// The broker is not the leader (or not a replica) of the partition: the leader moved. Kafka error
/// <see cref="ErrorCode.NotLeaderOrFollower"/>. Its own type because it is the everyday sign of a leader
/// change, the one error a producer or consumer meets in every rolling restart.
/// </summary>
public sealed class NotLeaderOrFollowerException : InvalidMetadataException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">Which partition, on which broker.</param>
    /// <param name="innerException">The cause, if any.</param>
    public NotLeaderOrFollowerException(string message, Exception? innerException = null)
        : base(ErrorCode.NotLeaderOrFollower, message, innerException)
    {
    }
}

/// <summary>
/// The topic or partition does not exist, or is not in the metadata yet. Kafka error
/// <see cref="ErrorCode.UnknownTopicOrPartition"/>. Its own type because callers tell "no such topic" apart
/// from a moved leader: waiting for a topic gives up with it (K8), and the producer refuses a partition
/// number the topic does not have.
/// </summary>
public sealed class UnknownTopicOrPartitionException : InvalidMetadataException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">Which topic or partition, and how long it was waited for.</param>
    /// <param name="innerException">The cause, if any.</param>
    public UnknownTopicOrPartitionException(string message, Exception? innerException = null)
        : base(ErrorCode.UnknownTopicOrPartition, message, innerException)
    {
    }
}
