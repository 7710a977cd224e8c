using RxKafka.Protocol.Messages;
using static RxKafka.Protocol.Messages.ListOffsetsResponse;

namespace RxKafka.Testing.Network;

// ListOffsets at any version 0-10: the earliest and latest offsets, the record with the largest timestamp,
// and the first offset at or after a time, from the partition logs, as a partition leader answers them.
public sealed partial class ScriptedCluster
{
    /// <summary>ListOffsets' special timestamp for the log end offset (the last stable offset under read_committed).</summary>
    private const long LatestTimestamp = -1;

    /// <summary>ListOffsets' special timestamp for the log start offset.</summary>
    private const long EarliestTimestamp = -2;

    /// <summary>ListOffsets' special timestamp for the record with the largest timestamp (v7+, KIP-734).</summary>
    private const long MaxTimestamp = -3;

    /// <summary>ListOffsets' special timestamp for the first offset in local storage (v8+, KIP-405): the log start offset here.</summary>
    private const long EarliestLocalTimestamp = -4;

    /// <summary>ListOffsets' special timestamp for the last tiered offset (v9+, KIP-1005): none here, as nothing is tiered.</summary>
    private const long LatestTieredTimestamp = -5;

    private ListOffsetsResponse AnswerListOffsets(int nodeId, ListOffsetsRequest request, short version)
    {
        lock (_gate)
        {
            return new ListOffsetsResponse
            {
                Topics = request.Topics.Select(t => new ListOffsetsTopicResponse
                {
                    Name = t.Name,
                    Partitions = t.Partitions.Select(p => ListOffset(nodeId, t.Name, p, request.IsolationLevel, version)).ToList(),
                }).ToList(),
            };
        }
    }

    // One partition, with a leader's checks in Kafka's order: authorization (a topic error), existence, the
    // current leader epoch (v4+), leadership; then the offset the timestamp names.
    private ListOffsetsPartitionResponse ListOffset(int nodeId, string topicName, ListOffsetsRequest.ListOffsetsPartition wanted, sbyte isolation, short version)
    {
        if (_topicErrors.TryGetValue(topicName, out var topicError))
        {
            return OffsetError(wanted.PartitionIndex, topicError);
        }

        if (!_topics.TryGetValue(topicName, out var topic) || (uint)wanted.PartitionIndex >= (uint)topic.Partitions.Count)
        {
            return OffsetError(wanted.PartitionIndex, ErrorCode.UnknownTopicOrPartition);
        }

        var partition = topic.Partitions[wanted.PartitionIndex];
        var epochError = CheckLeaderEpoch(wanted.CurrentLeaderEpoch, partition.LeaderEpoch);
        if (epochError != ErrorCode.None)
        {
            return OffsetError(wanted.PartitionIndex, epochError);
        }

        if (partition.LeaderId != nodeId)
        {
            return OffsetError(wanted.PartitionIndex, ErrorCode.NotLeaderOrFollower);
        }

        var log = topic.Log(wanted.PartitionIndex);

        // read_uncommitted sees up to the high watermark, read_committed up to the last stable offset.
        var visible = isolation == 1 ? LastStableOffset(log) : HighWatermark(log);
        var (timestamp, offset, epoch) = wanted.Timestamp switch
        {
            LatestTimestamp => (-1L, visible, partition.LeaderEpoch),
            EarliestTimestamp or EarliestLocalTimestamp => (-1L, log.LogStartOffset, EpochAt(log, log.LogStartOffset, partition.LeaderEpoch)),
            LatestTieredTimestamp => (-1L, -1L, -1),
            MaxTimestamp => Largest(log, visible),
            _ => FirstAtOrAfter(log, wanted.Timestamp, visible),
        };
        // The leader epoch came with v4; v0 lists offsets (at most MaxNumOffsets): here the one offset later
        // versions give, if any.
        return version == 0
            ? new ListOffsetsPartitionResponse { PartitionIndex = wanted.PartitionIndex, OldStyleOffsets = offset >= 0 && wanted.MaxNumOffsets > 0 ? [offset] : [] }
            : new ListOffsetsPartitionResponse { PartitionIndex = wanted.PartitionIndex, Timestamp = timestamp, Offset = offset, LeaderEpoch = version >= 4 ? epoch : -1 };
    }

    private static (long Timestamp, long Offset, int Epoch) Largest(ScriptedPartitionLog log, long visible)
    {
        var best = (Timestamp: -1L, Offset: -1L, Epoch: -1);
        for (var i = 0; i < log.Batches.Count && log.Batches[i].BaseOffset < visible; i++)
        {
            foreach (var record in log.Batches[i].Records)
            {
                if (record.Offset < visible && record.Timestamp > best.Timestamp)
                {
                    best = (record.Timestamp, record.Offset, log.LeaderEpochOf(i));
                }
            }
        }

        return best;
    }

    // The first record at or after the time: Kafka's search through the batches whose largest timestamp reaches it.
    private static (long Timestamp, long Offset, int Epoch) FirstAtOrAfter(ScriptedPartitionLog log, long target, long visible)
    {
        for (var i = 0; i < log.Batches.Count && log.Batches[i].BaseOffset < visible; i++)
        {
            foreach (var record in log.Batches[i].Records)
            {
                if (record.Offset < visible && record.Timestamp >= target)
                {
                    return (record.Timestamp, record.Offset, log.LeaderEpochOf(i));
                }
            }
        }

        return (-1, -1, -1);
    }

    private static int EpochAt(ScriptedPartitionLog log, long offset, int current)
    {
        var index = log.BatchIndexOf(offset);
        return index < log.Batches.Count ? log.LeaderEpochOf(index) : current;
    }

    private static ListOffsetsPartitionResponse OffsetError(int partition, ErrorCode error) =>
        new() { PartitionIndex = partition, ErrorCode = (short)error, Timestamp = -1, Offset = -1, LeaderEpoch = -1 };
}
