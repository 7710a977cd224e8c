namespace RxKafka.Protocol;

/// <summary>
/// What RxKafka knows about a Kafka error code: its upper-case Kafka name, whether a retry may
/// succeed, and a short description.
/// </summary>
/// <param name="Code">The error code.</param>
/// <param name="Name">Kafka's name for the code, e.g. <c>NOT_LEADER_OR_FOLLOWER</c>.</param>
/// <param name="IsRetriable">Whether retrying the same operation (after a metadata refresh or backoff) may succeed.</param>
/// <param name="Message">A one-line description of what the code means.</param>
public readonly record struct ErrorInfo(ErrorCode Code, string Name, bool IsRetriable, string Message);
