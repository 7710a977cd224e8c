
namespace RxKafka.Testing.Network;

/// <summary>An offset a group committed for one partition, as a <see cref="ScriptedCluster"/>'s group coordinator holds it.</summary>
/// <param name="Offset">The committed offset: the next record the group will read.</param>
/// <param name="LeaderEpoch">The leader epoch of the last record read (OffsetCommit v6+, KIP-320), or -1.</param>
/// <param name="Metadata">The metadata string committed with the offset; empty when the commit sent none (null).</param>
/// <param name="CommittedAt">When the commit arrived, by the cluster's scheduler (for an OffsetCommit v1, the commit timestamp it gave, if any).</param>
public sealed record ScriptedCommittedOffset(long Offset, int LeaderEpoch, string Metadata, DateTimeOffset CommittedAt);
