namespace RxKafka.Testing.MockCluster;

/// <summary>The kind of coordinator a <see cref="MockKafkaCluster.SetCoordinator"/> call pins to a broker.</summary>
public enum MockCoordinatorType
{
    /// <summary>A consumer group's coordinator; the key is the group id.</summary>
    Group,

    /// <summary>A transactional producer's coordinator; the key is the transactional id.</summary>
    Transaction,
}
