using RxKafka.Cluster;
using RxKafka.Protocol.Messages;

namespace RxKafka.Testing.Network;

// TxnOffsetCommit at any version 0-5 (KIP-98, KIP-447): a transactional producer's offsets for a group, held
// by the group's coordinator as pending until the transaction's commit marker makes them the group's committed
// offsets (OffsetFetch shows them from then on), dropped by an abort.
public sealed partial class ScriptedCluster
{
    private TxnOffsetCommitResponse AnswerTxnOffsetCommit(int nodeId, TxnOffsetCommitRequest request, short version, DateTimeOffset now)
    {
        lock (_gate)
        {
            var error = TxnCommitError(nodeId, request, version, now, out var state);
            return new TxnOffsetCommitResponse
            {
                Topics = request.Topics.Select(t => new TxnOffsetCommitResponse.TxnOffsetCommitResponseTopic
                {
                    Name = t.Name,
                    Partitions = t.Partitions.Select(p => new TxnOffsetCommitResponse.TxnOffsetCommitResponsePartition
                    {
                        PartitionIndex = p.PartitionIndex,
                        ErrorCode = (short)HoldTxnOffset(state, request.GroupId, t.Name, p, error, version, now),
                    }).ToList(),
                }).ToList(),
            };
        }
    }

    // Kafka's checks: the transactional id's authorization, the group id and its coordinator, the committer's
    // group metadata (v3+), then the producer against its transaction: known (INVALID_PRODUCER_ID_MAPPING), at
    // its epoch (INVALID_PRODUCER_EPOCH: TxnOffsetCommit has no PRODUCER_FENCED), with the group added by
    // AddOffsetsToTxn to the open transaction (INVALID_TXN_STATE), as KIP-890's verification has it, or (v5 under
    // transaction.version 2) added by this request.
    private ErrorCode TxnCommitError(int nodeId, TxnOffsetCommitRequest request, short version, DateTimeOffset now, out TransactionalProducer? state)
    {
        state = null;
        if (!Authorized(request.TransactionalId))
        {
            return ErrorCode.TransactionalIdAuthorizationFailed;
        }

        if (request.GroupId.Length == 0)
        {
            return ErrorCode.InvalidGroupId;
        }

        if (Coordinator(CoordinatorType.Group, request.GroupId) != nodeId)
        {
            return ErrorCode.NotCoordinator;
        }

        var committer = CheckTxnCommitter(request, version);
        if (committer != ErrorCode.None)
        {
            return committer;
        }

        if (!_transactionalIds.TryGetValue(request.TransactionalId, out state) || state.State == ScriptedTransactionState.Dead || state.ProducerId != request.ProducerId)
        {
            return ErrorCode.InvalidProducerIdMapping;
        }

        if (state.Epoch != request.ProducerEpoch)
        {
            return ErrorCode.InvalidProducerEpoch;
        }

        return JoinTransaction(state, request.GroupId, version, now);
    }

    // Who may commit in a transaction (v3+ carries the consumer's group metadata, KIP-447): metadata of no member
    // (generation -1, no member id: a standalone consumer, or a producer from before KIP-447) is accepted whatever
    // the group does; a member's must name one the group has, with its instance id and the current generation (or
    // member epoch), so offsets of a member the group moved on from are refused. Unlike OffsetCommit, a rebalance
    // in progress does not refuse them: the generation decides.
    private ErrorCode CheckTxnCommitter(TxnOffsetCommitRequest request, short version)
    {
        if (version < 3 || (request.GenerationId < 0 && request.MemberId.Length == 0 && request.GroupInstanceId is null))
        {
            return ErrorCode.None;
        }

        if (_consumerGroups.TryGetValue(request.GroupId, out var consumerGroup))
        {
            var member = consumerGroup.Member(request.MemberId);
            return member is null ? ErrorCode.UnknownMemberId
                : request.GenerationId != member.MemberEpoch ? ErrorCode.StaleMemberEpoch
                : ErrorCode.None;
        }

        if (!_groups.TryGetValue(request.GroupId, out var group))
        {
            return request.MemberId.Length > 0 ? ErrorCode.UnknownMemberId : ErrorCode.IllegalGeneration;
        }

        var error = ValidateMember(group, request.MemberId, request.GroupInstanceId);
        return error != ErrorCode.None ? error
            : request.GenerationId != group.GenerationId ? ErrorCode.IllegalGeneration
            : ErrorCode.None;
    }

    private ErrorCode HoldTxnOffset(TransactionalProducer? state, string group, string topicName, TxnOffsetCommitRequest.TxnOffsetCommitRequestPartition wanted, ErrorCode error, short version, DateTimeOffset now)
    {
        var partitionError = CheckPartitionCommit(topicName, wanted.PartitionIndex, error, wanted.CommittedMetadata);
        if (partitionError != ErrorCode.None)
        {
            return partitionError;
        }

        var pending = state!.PendingOffsets.TryGetValue(group, out var held) ? held : state.PendingOffsets[group] = new();
        pending[new TopicPartition(topicName, wanted.PartitionIndex)] = new ScriptedCommittedOffset(
            wanted.CommittedOffset,
            version >= 2 ? wanted.CommittedLeaderEpoch : -1,
            wanted.CommittedMetadata ?? "",
            now);
        return ErrorCode.None;
    }

    // A partition's checks for a commit, plain or transactional, in Kafka's order: the topic's error, its
    // existence, then the group's error, then the metadata's size.
    private ErrorCode CheckPartitionCommit(string topicName, int partition, ErrorCode groupError, string? metadata)
    {
        if (_topicErrors.TryGetValue(topicName, out var topicError))
        {
            return topicError;
        }

        if (!_topics.TryGetValue(topicName, out var topic) || (uint)partition >= (uint)topic.Partitions.Count)
        {
            return ErrorCode.UnknownTopicOrPartition;
        }

        return groupError != ErrorCode.None ? groupError
            : metadata is not null && metadata.Length > _offsetMetadataMaxBytes ? ErrorCode.OffsetMetadataTooLarge
            : ErrorCode.None;
    }

    // OffsetFetch with require_stable (v7+, KIP-447): a partition with transactional offsets still pending for
    // the group is UNSTABLE_OFFSET_COMMIT (offset -1) until the transaction completes; the consumer retries.
    private List<(string Topic, List<FetchedOffset> Partitions)> Stable(string group, List<(string Topic, List<FetchedOffset> Partitions)> fetched, bool requireStable)
    {
        if (!requireStable)
        {
            return fetched;
        }

        var pending = _transactionalIds.Values
            .SelectMany(t => t.PendingOffsets.TryGetValue(group, out var offsets) ? offsets.Keys : Enumerable.Empty<TopicPartition>())
            .ToHashSet();
        return fetched
            .Select(t => (t.Topic, t.Partitions.Select(p => pending.Contains(new TopicPartition(t.Topic, p.Partition)) ? Uncommitted(p.Partition, ErrorCode.UnstableOffsetCommit) : p).ToList()))
            .ToList();
    }

    // The commit marker reached the group's __consumer_offsets partition: the pending offsets become committed.
    private void CommitPendingOffsets(TransactionalProducer state)
    {
        foreach (var (group, pending) in state.PendingOffsets)
        {
            var offsets = _offsets.TryGetValue(group, out var held) ? held : _offsets[group] = new();
            foreach (var (tp, offset) in pending)
            {
                offsets[(tp.Topic, tp.Partition)] = offset;
            }
        }
    }
}
