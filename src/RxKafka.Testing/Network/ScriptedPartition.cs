
namespace RxKafka.Testing.Network;

/// <summary>One partition of a <see cref="ScriptedCluster"/> topic, as the cluster model holds it.</summary>
/// <param name="PartitionIndex">The partition's index.</param>
/// <param name="LeaderId">The leader's node id, or -1 for none.</param>
/// <param name="LeaderEpoch">The leader epoch: 0 when created, one more at each <see cref="ScriptedCluster.SetPartitionLeader"/>.</param>
/// <param name="ReplicaNodes">The replicas' node ids, the preferred leader first.</param>
/// <param name="IsrNodes">The in-sync replicas' node ids.</param>
/// <param name="OfflineReplicas">The node ids of replicas that are offline.</param>
/// <param name="ErrorCode">
/// The error set with <see cref="ScriptedCluster.SetPartitionError"/>; Metadata reports it, or
/// <see cref="ErrorCode.LeaderNotAvailable"/> when this is <see cref="ErrorCode.None"/> and there is no leader.
/// </param>
public sealed record ScriptedPartition(
    int PartitionIndex,
    int LeaderId,
    int LeaderEpoch,
    IReadOnlyList<int> ReplicaNodes,
    IReadOnlyList<int> IsrNodes,
    IReadOnlyList<int> OfflineReplicas,
    ErrorCode ErrorCode);
