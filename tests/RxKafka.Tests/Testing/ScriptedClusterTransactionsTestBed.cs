using System.Text;
using RxKafka.Cluster;
using RxKafka.Network;
using RxKafka.Protocol.Messages;
using RxKafka.Protocol.Records;
using static RxKafka.Protocol.Messages.FetchResponse;

namespace RxKafka.Tests.Testing;

/// <summary>
/// What the scripted cluster's transaction tests share: raw transactional requests to the transaction
/// coordinator of "tx" and to the leaders of topic "t", transactional batches, and fetches that show markers.
/// </summary>
public abstract class ScriptedClusterTransactionsTestBed : ScriptedClusterTestBed
{
    protected const string TxId = "tx";

    protected const string Group = "g";

    /// <summary>A connection to the transaction coordinator of <see cref="TxId"/>.</summary>
    protected KafkaConnection Coordinator() => Connect(Cluster.Coordinator(CoordinatorType.Transaction, TxId));

    /// <summary>A connection to the leader of partition <paramref name="partition"/> of "t".</summary>
    protected KafkaConnection Leader(int partition) => Connect(Cluster.Partitions("t")[partition].LeaderId);

    protected (ErrorCode Error, long ProducerId, short Epoch) InitProducerId(KafkaConnection connection, string transactionalId = TxId, int timeoutMs = 60_000, short version = 4)
    {
        var response = Ask(connection, new InitProducerIdRequest { TransactionalId = transactionalId, TransactionTimeoutMs = timeoutMs, ProducerId = -1, ProducerEpoch = -1 }, version);
        return ((ErrorCode)response.ErrorCode, response.ProducerId, response.ProducerEpoch);
    }

    /// <summary>AddPartitionsToTxn (v0-3) for partitions of "t"; the error of every partition, in order.</summary>
    protected ErrorCode[] AddPartitions(KafkaConnection connection, long producerId, short epoch, int[] partitions, short version = 3, string transactionalId = TxId, string topic = "t")
    {
        var response = Ask(connection, new AddPartitionsToTxnRequest
        {
            V3AndBelowTransactionalId = transactionalId,
            V3AndBelowProducerId = producerId,
            V3AndBelowProducerEpoch = epoch,
            V3AndBelowTopics = [new() { Name = topic, Partitions = partitions.ToList() }],
        }, version);
        return response.ResultsByTopicV3AndBelow.SelectMany(t => t.ResultsByPartition).Select(p => (ErrorCode)p.PartitionErrorCode).ToArray();
    }

    protected ErrorCode AddOffsets(KafkaConnection connection, long producerId, short epoch, short version = 3, string group = Group) =>
        (ErrorCode)Ask(connection, new AddOffsetsToTxnRequest { TransactionalId = TxId, ProducerId = producerId, ProducerEpoch = epoch, GroupId = group }, version).ErrorCode;

    protected EndTxnResponse EndTxn(KafkaConnection connection, long producerId, short epoch, bool commit, short version = 3, string transactionalId = TxId) =>
        Ask(connection, new EndTxnRequest { TransactionalId = transactionalId, ProducerId = producerId, ProducerEpoch = epoch, Committed = commit }, version);

    protected ErrorCode TxnOffsetCommit(KafkaConnection connection, long producerId, short epoch, int partition, long offset, short version = 3, int generation = -1, string memberId = "")
    {
        var response = Ask(connection, new TxnOffsetCommitRequest
        {
            TransactionalId = TxId,
            GroupId = Group,
            ProducerId = producerId,
            ProducerEpoch = epoch,
            GenerationId = generation,
            MemberId = memberId,
            Topics = [new() { Name = "t", Partitions = [new() { PartitionIndex = partition, CommittedOffset = offset, CommittedMetadata = "m" }] }],
        }, version);
        return (ErrorCode)response.Topics[0].Partitions[0].ErrorCode;
    }

    /// <summary>A batch of values; transactional when <paramref name="producerId"/> is given.</summary>
    protected static byte[] Batch(long producerId, short epoch, int sequence, params string[] values)
    {
        using var builder = new RecordBatchBuilder { ProducerId = producerId, ProducerEpoch = epoch, BaseSequence = sequence, IsTransactional = producerId >= 0 };
        foreach (var value in values)
        {
            builder.Append(Time0, null, Encoding.UTF8.GetBytes(value));
        }

        return builder.Build().ToArray();
    }

    protected static byte[] Plain(params string[] values) => Batch(-1, -1, -1, values);

    protected (ErrorCode Error, long BaseOffset) Produce(int partition, byte[] batch, short version = 9)
    {
        var response = Ask(Leader(partition), new ProduceRequest { TransactionalId = version >= 3 ? TxId : null, Acks = -1, TimeoutMs = 1000, TopicData = [new() { Name = "t", PartitionData = [new() { Index = partition, Records = batch }] }] }, version);
        var answer = response.Responses[0].PartitionResponses[0];
        return ((ErrorCode)answer.ErrorCode, answer.BaseOffset);
    }

    protected PartitionData Fetch(int partition, long offset, sbyte isolation, short version = 12)
    {
        var response = Ask(Leader(partition), new FetchRequest
        {
            MaxWaitMs = 0,
            MinBytes = 1,
            MaxBytes = 1 << 20,
            IsolationLevel = isolation,
            SessionEpoch = -1,
            Topics = [new() { Topic = "t", TopicId = Cluster.TopicId("t"), Partitions = [new() { Partition = partition, FetchOffset = offset, PartitionMaxBytes = 1 << 20 }] }],
        }, version);
        return Assert.Single(Assert.Single(response.Responses).Partitions);
    }

    /// <summary>Every record of fetched bytes as "offset:value", markers as "offset:COMMIT/e" or "offset:ABORT/e" (e: the producer epoch).</summary>
    protected static string[] Read(PartitionData data)
    {
        using var reader = new RecordBatchReader(data.Records ?? ReadOnlyMemory<byte>.Empty);
        var read = new List<string>();
        while (reader.TryReadBatch(out var batch))
        {
            foreach (var record in batch)
            {
                Assert.Equal(batch.IsControl, ControlRecord.TryParse(record, out var control));
                read.Add(batch.IsControl
                    ? $"{record.Offset}:{control.Type.ToString().ToUpperInvariant()}/{batch.ProducerEpoch}"
                    : $"{record.Offset}:{Encoding.UTF8.GetString(record.Value.Span)}");
            }
        }

        return read.ToArray();
    }

    protected static (long ProducerId, long FirstOffset)[]? Aborted(PartitionData data) =>
        data.AbortedTransactions?.Select(a => (a.ProducerId, a.FirstOffset)).ToArray();

    protected long ListLatest(int partition, sbyte isolation, short version = 4) =>
        Ask(Leader(partition), new ListOffsetsRequest
        {
            ReplicaId = -1,
            IsolationLevel = isolation,
            Topics = [new() { Name = "t", Partitions = [new() { PartitionIndex = partition, Timestamp = -1 }] }],
        }, version).Topics[0].Partitions[0].Offset;
}
