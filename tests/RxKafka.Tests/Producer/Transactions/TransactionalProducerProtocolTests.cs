#pragma warning disable xUnit1031, xUnit1051

using RxKafka.Producer;
using RxKafka.Protocol.Messages;
using RxKafka.Testing;
using RxKafka.Testing.Network;

namespace RxKafka.Tests.Producer.Transactions;

/// <summary>
/// Which transaction protocol the producer takes (T1), as the Java client decides: KIP-890 part 2 only where the
/// cluster finalizes transaction.version 2 and the coordinator offers EndTxn v5 and Produce v12; KIP-98's explicit
/// adds otherwise. The choice is made again between transactions, never inside one.
/// </summary>
public sealed class TransactionalProducerProtocolTests() : TransactionalProducerTestBed(transactionVersion: 1)
{
    public static TheoryData<string> ClustersWithoutV2 => ["transaction.version 0, a broker from before Kafka 4.0", "transaction.version 1, Kafka 4.0 with it off", "transaction.version 2 but no Produce v12"];

    [Theory]
    [MemberData(nameof(ClustersWithoutV2))]
    public void T1_a_cluster_without_KIP_890_part_2_gets_the_v1_protocol_from_a_producer_that_speaks_both(string cluster)
    {
        switch (cluster)
        {
            case var c when c.StartsWith("transaction.version 0", StringComparison.Ordinal):
                Cluster.TransactionVersion = 0;
                Cluster.SetApiVersion(ApiKey.Produce, 0, 11);
                Cluster.SetApiVersion(ApiKey.EndTxn, 0, 4);
                Cluster.SetApiVersion(ApiKey.TxnOffsetCommit, 0, 4);
                break;
            case var c when c.StartsWith("transaction.version 2", StringComparison.Ordinal):
                Cluster.TransactionVersion = 2;
                Cluster.SetApiVersion(ApiKey.Produce, 0, 11);
                break;
        }

        var producer = Initialized();
        producer.BeginTransaction();
        CompleteAll([Send(producer, 0, "r1"), Send(producer, 1, "r2")]);
        Complete(producer.SendOffsetsToTransactionAsync([new TopicPartitionOffset(new TopicPartition("orders", 2), 7)], new RxKafka.ConsumerGroupMetadata("readers")));
        Complete(producer.CommitTransactionAsync());

        Assert.False(producer.Transactions!.IsV2);
        Assert.Equal(["r1"], Committed(0));
        Assert.Equal(["r2"], Committed(1));
        Assert.Equal(7, Cluster.CommittedOffset("readers", "orders", 2)!.Offset);
        Assert.True(Count(ApiKey.AddPartitionsToTxn) >= 1);
        Assert.Equal(1, Count(ApiKey.AddOffsetsToTxn));
        Assert.All(Cluster.Requests, r => Assert.True(r.Request.ApiKey switch
        {
            ApiKey.Produce => r.Request.Version <= 11,
            ApiKey.EndTxn or ApiKey.TxnOffsetCommit => r.Request.Version <= 4,
            _ => true,
        }, $"{r.Request.ApiKey} v{r.Request.Version} is a KIP-890 part 2 version"));
        // The epoch stays across a v1 end.
        Assert.Equal(Requests<EndTxnRequest>().Single().ProducerEpoch, Cluster.Transaction(TxId)!.ProducerEpoch);
    }

    [Fact]
    public void T1_a_cluster_that_turns_transaction_version_2_on_or_off_is_followed_from_the_next_transaction()
    {
        var producer = Initialized();
        producer.BeginTransaction();
        Complete(Send(producer, 0, "v1-a"));

        // The cluster is upgraded mid-transaction; the producer hears of it on its next connection to the coordinator.
        Cluster.TransactionVersion = 2;
        DisconnectEverything();
        Complete(Send(producer, 1, "v1-b"));
        Complete(producer.CommitTransactionAsync());
        var upgradedAt = Cluster.Requests.Count;
        Assert.True(producer.Transactions!.IsV2);
        // Taken up with an epoch bump of its own (InitProducerId naming its id and epoch), as the Java client does.
        var bump = Requests<InitProducerIdRequest>().Last();
        Assert.Equal(Cluster.TransactionalProducerId(TxId)!.Value.ProducerEpoch - 1, bump.ProducerEpoch);

        CommitTransaction(producer, (0, "v2"));
        var v2Requests = RequestsFrom(upgradedAt);
        Assert.Contains((ApiKey.Produce, (short)12), v2Requests);
        Assert.Contains((ApiKey.EndTxn, (short)5), v2Requests);
        Assert.DoesNotContain(v2Requests, r => r.Api == ApiKey.AddPartitionsToTxn);

        // A downgrade, heard of by the EndTxn that ends the transaction it happened in.
        producer.BeginTransaction();
        Complete(Send(producer, 2, "v2-then-off"));
        Cluster.TransactionVersion = 1;
        DisconnectEverything();
        Complete(producer.CommitTransactionAsync());
        Assert.False(producer.Transactions!.IsV2);
        var downgradedAt = Cluster.Requests.Count;
        CommitTransaction(producer, (0, "v1-again"));
        var v1Requests = RequestsFrom(downgradedAt);
        Assert.Contains((ApiKey.AddPartitionsToTxn, (short)3), v1Requests);
        Assert.Contains((ApiKey.Produce, (short)11), v1Requests);
        Assert.Contains((ApiKey.EndTxn, (short)4), v1Requests);

        Assert.Equal(["v1-a", "v2", "v1-again"], Committed(0));
        Assert.Equal(["v1-b"], Committed(1));
        Assert.Equal(["v2-then-off"], Committed(2));
    }

    private void DisconnectEverything()
    {
        foreach (var node in Cluster.NodeIds)
        {
            Cluster.Broker(node).DisconnectAll();
        }
    }
}
