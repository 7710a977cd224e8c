using RxKafka.Protocol.Messages;

namespace RxKafka.Testing.Network;

// The default answers of the transaction APIs, and their answers carrying a queued error (PushRequestErrors).
public sealed partial class ScriptedCluster
{
    private BrokerReply? TransactionReply(int nodeId, ReceivedRequest request) => request.Request switch
    {
        AddPartitionsToTxnRequest add => BrokerReply.Respond(AnswerAddPartitionsToTxn(nodeId, add, request.Version, request.ReceivedAt)),
        AddOffsetsToTxnRequest offsets => BrokerReply.Respond(AnswerAddOffsetsToTxn(nodeId, offsets, request.Version, request.ReceivedAt)),
        EndTxnRequest end => BrokerReply.Respond(AnswerEndTxn(nodeId, end, request.Version)),
        TxnOffsetCommitRequest commit => BrokerReply.Respond(AnswerTxnOffsetCommit(nodeId, commit, request.Version, request.ReceivedAt)),
        _ => null,
    };

    private static BrokerReply? TransactionErrorReply(ReceivedRequest request, ErrorCode error) => request.Request switch
    {
        AddPartitionsToTxnRequest add when request.Version <= 3 => BrokerReply.Respond(new AddPartitionsToTxnResponse { ResultsByTopicV3AndBelow = AddPartitionsError(add.V3AndBelowTopics, error) }),
        AddPartitionsToTxnRequest add => BrokerReply.Respond(new AddPartitionsToTxnResponse
        {
            ResultsByTransaction = add.Transactions.Select(t => new AddPartitionsToTxnResponse.AddPartitionsToTxnResult { TransactionalId = t.TransactionalId, TopicResults = AddPartitionsError(t.Topics, error) }).ToList(),
        }),
        AddOffsetsToTxnRequest => BrokerReply.Respond(new AddOffsetsToTxnResponse { ErrorCode = (short)error }),
        EndTxnRequest => BrokerReply.Respond(new EndTxnResponse { ErrorCode = (short)error }),
        TxnOffsetCommitRequest commit => BrokerReply.Respond(new TxnOffsetCommitResponse
        {
            Topics = commit.Topics.Select(t => new TxnOffsetCommitResponse.TxnOffsetCommitResponseTopic
            {
                Name = t.Name,
                Partitions = t.Partitions.Select(p => new TxnOffsetCommitResponse.TxnOffsetCommitResponsePartition { PartitionIndex = p.PartitionIndex, ErrorCode = (short)error }).ToList(),
            }).ToList(),
        }),
        _ => null,
    };

    private static List<AddPartitionsToTxnResponse.AddPartitionsToTxnTopicResult> AddPartitionsError(List<AddPartitionsToTxnRequest.AddPartitionsToTxnTopic> topics, ErrorCode error) =>
        topics.Select(t => new AddPartitionsToTxnResponse.AddPartitionsToTxnTopicResult
        {
            Name = t.Name,
            ResultsByPartition = t.Partitions.Select(p => new AddPartitionsToTxnResponse.AddPartitionsToTxnPartitionResult { PartitionIndex = p, PartitionErrorCode = (short)error }).ToList(),
        }).ToList();
}
