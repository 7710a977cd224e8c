namespace RxKafka.Producer;

/// <summary>How many replicas must have a record before the broker acknowledges it (<c>acks</c>).</summary>
public enum Acks : short
{
    /// <summary><c>acks=all</c> (-1): every in-sync replica. Required for idempotence; the default.</summary>
    All = -1,

    /// <summary><c>acks=0</c>: the broker sends no answer; a record counts as delivered once written to the socket.</summary>
    None = 0,

    /// <summary><c>acks=1</c>: the leader alone.</summary>
    Leader = 1,
}
