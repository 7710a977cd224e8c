namespace RxKafka.Consumer.Assignment;

/// <summary>How a classic group moves partitions between members in a rebalance (KIP-429).</summary>
internal enum RebalanceProtocol
{
    /// <summary>Every member revokes every partition before it joins; the new assignment starts from nothing.</summary>
    Eager,

    /// <summary>
    /// Members keep their partitions while they rejoin; a partition that moves is first only revoked from its owner,
    /// and assigned to its new owner in the rebalance that follows.
    /// </summary>
    Cooperative,
}
