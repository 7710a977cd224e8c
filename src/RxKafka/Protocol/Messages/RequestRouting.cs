namespace RxKafka.Protocol.Messages;

/// <summary>Where a request must be sent.</summary>
public enum RequestRouting
{
    /// <summary>Any broker can answer (Metadata, ApiVersions, FindCoordinator, ...).</summary>
    AnyBroker,

    /// <summary>The leader of the partitions in the request (Produce, Fetch, ListOffsets, ...).</summary>
    PartitionLeader,

    /// <summary>The controller (CreateTopics, DeleteTopics, ...); brokers forward it in KRaft clusters.</summary>
    Controller,

    /// <summary>The group coordinator of the group in the request.</summary>
    GroupCoordinator,

    /// <summary>The transaction coordinator of the transactional id in the request.</summary>
    TransactionCoordinator,

    /// <summary>A specific broker chosen by the caller (DescribeLogDirs, ListGroups, ...).</summary>
    SpecificBroker,

    /// <summary>Sent between brokers and controllers only; a client does not send it.</summary>
    InterBroker,
}

/// <summary>Marks a request that any broker can answer.</summary>
public interface IAnyBrokerRequest;

/// <summary>Marks a request that goes to the leader of its partitions.</summary>
public interface IPartitionLeaderRequest;

/// <summary>Marks a request that goes to the controller.</summary>
public interface IControllerRequest;

/// <summary>Marks a request that goes to a group coordinator.</summary>
public interface IGroupCoordinatorRequest;

/// <summary>Marks a request that goes to a transaction coordinator.</summary>
public interface ITransactionCoordinatorRequest;

/// <summary>Marks a request that goes to a broker the caller names.</summary>
public interface ISpecificBrokerRequest;

/// <summary>Marks a request that only brokers and controllers send to each other.</summary>
public interface IInterBrokerRequest;

/// <summary>Which listeners of a Kafka node accept an API.</summary>
[Flags]
public enum ApiListeners
{
    /// <summary>No listener.</summary>
    None = 0,

    /// <summary>A ZooKeeper-mode broker.</summary>
    ZkBroker = 1,

    /// <summary>A KRaft broker.</summary>
    Broker = 2,

    /// <summary>A KRaft controller.</summary>
    Controller = 4,
}

/// <summary>An inclusive range of versions.</summary>
/// <param name="Lowest">The lowest version.</param>
/// <param name="Highest">The highest version.</param>
public readonly record struct ApiVersionRange(short Lowest, short Highest)
{
    /// <summary>Whether <paramref name="version"/> is inside the range.</summary>
    public bool Contains(short version) => version >= Lowest && version <= Highest;

    /// <inheritdoc/>
    public override string ToString() => Lowest == Highest ? $"{Lowest}" : $"{Lowest}-{Highest}";
}
