namespace RxKafka.Cluster;

/// <summary>What a coordinator coordinates: Kafka's FindCoordinator key type.</summary>
public enum CoordinatorType : sbyte
{
    /// <summary>A consumer group's coordinator (key: the group id).</summary>
    Group = 0,

    /// <summary>A transactional producer's coordinator (key: the transactional id).</summary>
    Transaction = 1,
}
