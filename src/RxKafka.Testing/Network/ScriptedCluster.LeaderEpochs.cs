using RxKafka.Protocol.Messages;
using static RxKafka.Protocol.Messages.OffsetForLeaderEpochResponse;

namespace RxKafka.Testing.Network;

// KIP-101/279/320: OffsetForLeaderEpoch as a partition leader answers it, the diverging epoch of Fetch v12+,
// and unclean leader elections that truncate a log, so consumers' truncation detection can be tested.
public sealed partial class ScriptedCluster
{
    /// <summary>
    /// An unclean leader election: <paramref name="leaderId"/> becomes leader of the partition at the next leader
    /// epoch with a log that ends at <paramref name="truncateTo"/> (rounded down to a batch boundary); the records
    /// after it are gone, and the next ones appended get their offsets. Consumers that read past it find out with
    /// a Fetch's diverging epoch (v12+) or OffsetForLeaderEpoch.
    /// </summary>
    /// <param name="topic">The topic's name.</param>
    /// <param name="partition">The partition's index.</param>
    /// <param name="leaderId">The new leader's node id.</param>
    /// <param name="truncateTo">Where the new leader's log ends.</param>
    /// <returns>The log end offset after the truncation.</returns>
    /// <exception cref="ArgumentException">The cluster has no such topic or partition.</exception>
    public long ElectLeaderUncleanly(string topic, int partition, int leaderId, long truncateTo)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(leaderId);
        ArgumentOutOfRangeException.ThrowIfNegative(truncateTo);
        lock (_gate)
        {
            SetPartitionLeader(topic, partition, leaderId);
            return GetTopic(topic).Log(partition).TruncateTo(truncateTo);
        }
    }

    private OffsetForLeaderEpochResponse AnswerOffsetForLeaderEpoch(int nodeId, OffsetForLeaderEpochRequest request, short version)
    {
        lock (_gate)
        {
            return new OffsetForLeaderEpochResponse
            {
                Topics = request.Topics.Select(t => new OffsetForLeaderTopicResult
                {
                    Topic = t.Topic,
                    Partitions = t.Partitions.Select(p => EpochEnd(nodeId, t.Topic, p, version)).ToList(),
                }).ToList(),
            };
        }
    }

    // A leader's checks in Kafka's order (authorization, existence, the current leader epoch from v2, leadership),
    // then the end offset of the epoch asked for.
    private EpochEndOffset EpochEnd(int nodeId, string topicName, OffsetForLeaderEpochRequest.OffsetForLeaderPartition request, short version)
    {
        var error = _topicErrors.TryGetValue(topicName, out var topicError) ? topicError
            : !_topics.TryGetValue(topicName, out var topic) || (uint)request.Partition >= (uint)topic.Partitions.Count ? ErrorCode.UnknownTopicOrPartition
            : version >= 2 && CheckLeaderEpoch(request.CurrentLeaderEpoch, topic.Partitions[request.Partition].LeaderEpoch) is var epochError and not ErrorCode.None ? epochError
            : topic.Partitions[request.Partition].LeaderId != nodeId ? ErrorCode.NotLeaderOrFollower
            : ErrorCode.None;
        if (error != ErrorCode.None)
        {
            return new EpochEndOffset { Partition = request.Partition, ErrorCode = (short)error };
        }

        var partition = _topics[topicName].Partitions[request.Partition];
        var (epoch, end) = _topics[topicName].Log(request.Partition).EndOffsetFor(request.LeaderEpoch, partition.LeaderEpoch);
        return new EpochEndOffset { Partition = request.Partition, LeaderEpoch = version >= 1 ? epoch : -1, EndOffset = end };
    }

    // Fetch v12+: a follower's (or consumer's) last fetched epoch that ends before its fetch offset here, or is
    // not an epoch of this log, means the logs diverged: the answer names where that epoch ends instead of records.
    private static FetchResponse.EpochEndOffset? Diverging(ScriptedPartitionLog log, int lastFetchedEpoch, long fetchOffset, int currentEpoch)
    {
        if (lastFetchedEpoch < 0)
        {
            return null;
        }

        var (epoch, end) = log.EndOffsetFor(lastFetchedEpoch, currentEpoch);
        return epoch != lastFetchedEpoch || end < fetchOffset ? new FetchResponse.EpochEndOffset { Epoch = epoch, EndOffset = end } : null;
    }
}
