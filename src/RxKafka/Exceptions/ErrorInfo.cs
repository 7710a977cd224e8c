namespace RxKafka;

/// <summary>
/// What RxKafka knows about a Kafka error code: its upper-case Kafka name, whether a retry may
/// succeed, whether the client's metadata is stale, and a short description. One row of the error
/// table (src/RxKafka/Exceptions/errors.tsv, listed in docs/errors.md).
/// </summary>
/// <param name="Code">The error code.</param>
/// <param name="Name">Kafka's name for the code, e.g. <c>NOT_LEADER_OR_FOLLOWER</c>.</param>
/// <param name="IsRetriable">Whether retrying the same operation (after a metadata refresh or backoff) may succeed.</param>
/// <param name="IsInvalidMetadata">
/// Whether the code means the client's view of the cluster is out of date (a leader moved, a topic is
/// not known yet): refresh metadata before retrying. Kafka's InvalidMetadataException codes.
/// </param>
/// <param name="Message">A one-line description of what the code means.</param>
public readonly record struct ErrorInfo(ErrorCode Code, string Name, bool IsRetriable, bool IsInvalidMetadata, string Message);
