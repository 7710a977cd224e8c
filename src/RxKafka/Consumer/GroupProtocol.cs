namespace RxKafka.Consumer;

/// <summary>How a consumer takes part in its group (<c>group.protocol</c>).</summary>
public enum GroupProtocol
{
    /// <summary>The classic protocol: JoinGroup, SyncGroup and Heartbeat, with the assignment made by the group's leader (R5).</summary>
    Classic,

    /// <summary>KIP-848's protocol: ConsumerGroupHeartbeat, with the assignment made by the broker (Kafka 4.0+) (R7).</summary>
    Consumer,
}
