using RxKafka.Cluster;
using RxKafka.Protocol.Messages;

namespace RxKafka.Producer.Transactions;

// SendOffsetsToTransaction: AddOffsetsToTxn (the group joins the transaction at its coordinator), then
// TxnOffsetCommit to the group's coordinator with the consumer's group metadata (KIP-447); under KIP-890 part 2
// TxnOffsetCommit v5 alone, the group coordinator adding the group to the transaction. The offsets become the
// group's committed offsets only when the transaction commits.
internal sealed partial class TransactionManager
{
    public async Task SendOffsetsAsync(IReadOnlyList<TopicPartitionOffset> offsets, ConsumerGroupMetadata group, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            ThrowIfFatal();
            if (_state != TransactionState.InTransaction)
            {
                throw Illegal("SendOffsetsToTransactionAsync", _state == TransactionState.AbortableError ? "the transaction failed: abort it" : "offsets are sent inside a transaction: call BeginTransaction first");
            }
        }

        var v2 = IsV2;
        if (!v2)
        {
            await RunAsync("AddOffsetsToTxn", CoordinatorType.Transaction, TransactionalId, async connection =>
            {
                var request = new AddOffsetsToTxnRequest { TransactionalId = TransactionalId, ProducerId = Identity.ProducerId, ProducerEpoch = Identity.Epoch, GroupId = group.GroupId };
                var response = await connection.SendAtVersionAsync(request, Version(connection, ApiKey.AddOffsetsToTxn), cancellationToken).ConfigureAwait(false);
                return (ErrorCode)response.ErrorCode;
            }, cancellationToken).ConfigureAwait(false);
        }

        lock (_gate)
        {
            // Under KIP-890 part 2 the TxnOffsetCommit (v5) adds the group itself, as the Java client relies on.
            _started = true;
        }

        var pending = offsets.ToList();
        await RunAsync("TxnOffsetCommit", CoordinatorType.Group, group.GroupId, async connection =>
        {
            var request = new TxnOffsetCommitRequest
            {
                TransactionalId = TransactionalId,
                GroupId = group.GroupId,
                ProducerId = Identity.ProducerId,
                ProducerEpoch = Identity.Epoch,
                GenerationId = group.GenerationId,
                MemberId = group.MemberId,
                GroupInstanceId = group.GroupInstanceId,
                Topics = pending.GroupBy(o => o.TopicPartition.Topic).Select(t => new TxnOffsetCommitRequest.TxnOffsetCommitRequestTopic
                {
                    Name = t.Key,
                    Partitions = t.Select(o => new TxnOffsetCommitRequest.TxnOffsetCommitRequestPartition { PartitionIndex = o.TopicPartition.Partition, CommittedOffset = o.Offset, CommittedMetadata = "" }).ToList(),
                }).ToList(),
            };
            var version = Version(connection, ApiKey.TxnOffsetCommit, max: v2 ? short.MaxValue : TransactionProtocol.LastTxnOffsetCommitVersionV1);
            var response = await connection.SendAtVersionAsync(request, version, cancellationToken).ConfigureAwait(false);
            var worst = ErrorCode.None;
            foreach (var topic in response.Topics)
            {
                foreach (var partition in topic.Partitions)
                {
                    var error = (ErrorCode)partition.ErrorCode;
                    if (error == ErrorCode.None)
                    {
                        // Held; a retry sends only the partitions that failed.
                        pending.RemoveAll(o => o.TopicPartition == new TopicPartition(topic.Name, partition.PartitionIndex));
                    }
                    else if (worst == ErrorCode.None || Judge(error) > Judge(worst))
                    {
                        worst = error;
                    }
                }
            }

            // UNKNOWN_MEMBER_ID, ILLEGAL_GENERATION, FENCED_INSTANCE_ID: the group moved on from this member (a
            // zombie after a rebalance, KIP-447); like any error not retried or fatal, the transaction must abort.
            return worst;
        }, cancellationToken).ConfigureAwait(false);
    }
}
