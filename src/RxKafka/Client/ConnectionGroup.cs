using RxKafka.Protocol.Messages;

namespace RxKafka.Client;

/// <summary>
/// Which of a broker's connections a request travels on (K2). Separate connections per workload,
/// as franz-go keeps them, so that a long Fetch or a JoinGroup waiting for a rebalance never holds
/// up a Metadata request or a Produce behind it.
/// </summary>
internal enum ConnectionGroup
{
    /// <summary>Metadata, admin and anything else.</summary>
    Default,

    /// <summary>Group and transaction coordination: FindCoordinator, JoinGroup, SyncGroup, Heartbeat, offsets, transactions.</summary>
    Coordination,

    /// <summary>Produce requests.</summary>
    Produce,

    /// <summary>Fetch requests.</summary>
    Fetch,
}

/// <summary>Helpers for <see cref="ConnectionGroup"/>.</summary>
internal static class ConnectionGroups
{
    /// <summary>
    /// The group a request of <paramref name="apiKey"/> belongs to. With
    /// <paramref name="separateByWorkload"/> false only Default and Coordination are used.
    /// </summary>
    public static ConnectionGroup For(ApiKey apiKey, bool separateByWorkload = true) => apiKey switch
    {
        ApiKey.Produce when separateByWorkload => ConnectionGroup.Produce,
        ApiKey.Fetch when separateByWorkload => ConnectionGroup.Fetch,
        ApiKey.FindCoordinator or ApiKey.JoinGroup or ApiKey.SyncGroup or ApiKey.Heartbeat or ApiKey.LeaveGroup
            or ApiKey.OffsetCommit or ApiKey.OffsetFetch or ApiKey.ConsumerGroupHeartbeat or ApiKey.ShareGroupHeartbeat
            or ApiKey.InitProducerId or ApiKey.AddPartitionsToTxn or ApiKey.AddOffsetsToTxn or ApiKey.EndTxn
            or ApiKey.TxnOffsetCommit => ConnectionGroup.Coordination,
        _ => ConnectionGroup.Default,
    };
}
