#pragma warning disable xUnit1031, xUnit1051

using RxKafka.Cluster;
using RxKafka.Producer;
using RxKafka.Protocol.Messages;
using RxKafka.Testing;
using RxKafka.Testing.Network;

namespace RxKafka.Tests.Producer.Transactions;

/// <summary>
/// The transactional producer's happy paths and its state machine (T1), in virtual time on the in-memory cluster,
/// with the KIP-98 protocol (transaction.version 1: AddPartitionsToTxn, AddOffsetsToTxn, EndTxn v4); KIP-890 part 2
/// is in <see cref="TransactionalProducerV2Tests"/>.
/// </summary>
public sealed class TransactionalProducerTests() : TransactionalProducerTestBed(transactionVersion: 1)
{
    [Fact]
    public void T1_a_committed_transaction_is_visible_to_read_committed_and_an_aborted_one_never()
    {
        var producer = Initialized();

        producer.BeginTransaction();
        var committed = new[] { Send(producer, 0, "c1"), Send(producer, 1, "c2"), Send(producer, 0, "c3") };
        CompleteAll(committed);
        // Acknowledged, but the transaction is open: written, not yet readable with read_committed.
        Assert.Equal(["c1", "c3"], Written(0));
        Assert.Empty(Committed(0));
        Assert.Equal(0, Cluster.LastStableOffset("orders", 0));
        Complete(producer.CommitTransactionAsync());
        Assert.Equal(TransactionState.Ready, producer.TransactionState);

        producer.BeginTransaction();
        var aborted = new[] { Send(producer, 0, "a1"), Send(producer, 2, "a2") };
        CompleteAll(aborted);
        Complete(producer.AbortTransactionAsync());

        Assert.Equal(["c1", "c3"], Committed(0));
        Assert.Equal(["c2"], Committed(1));
        Assert.Empty(Committed(2));
        Assert.Equal(["c1", "c3", "a1"], Written(0));
        Assert.Equal(ScriptedTransactionState.CompleteAbort, Cluster.Transaction(TxId)!.State);
        Assert.Equal(Cluster.LogEndOffset("orders", 0), Cluster.LastStableOffset("orders", 0));
        // Every batch went as a transactional one, with the transactional id on its Produce request.
        Assert.All(Cluster.Batches("orders", 0), b => Assert.True(b.IsTransactional));
        Assert.All(Requests<ProduceRequest>(), r => Assert.Equal(TxId, r.TransactionalId));
    }

    [Fact]
    public void T1_init_finds_the_transaction_coordinator_and_gets_the_producer_id_with_the_transaction_timeout()
    {
        var producer = Initialized(Options with { TransactionTimeout = TimeSpan.FromSeconds(42) });

        var find = Requests<FindCoordinatorRequest>().Where(f => f.KeyType == (sbyte)CoordinatorType.Transaction).ToList();
        Assert.NotEmpty(find);
        var init = Assert.Single(Requests<InitProducerIdRequest>());
        Assert.Equal(TxId, init.TransactionalId);
        Assert.Equal(42_000, init.TransactionTimeoutMs);
        var coordinator = Cluster.Coordinator(CoordinatorType.Transaction, TxId);
        Assert.Equal(coordinator, Cluster.Requests.Single(r => r.Request.ApiKey == ApiKey.InitProducerId).NodeId);
        Assert.Equal((producer.Transactions!.TransactionalId, 0), (TxId, (int)Cluster.Transaction(TxId)!.ProducerEpoch));
    }

    [Fact]
    public void T1_init_retries_concurrent_transactions_and_a_loading_coordinator_on_the_scheduler()
    {
        Cluster.PushRequestErrors(ApiKey.InitProducerId, ErrorCode.ConcurrentTransactions, ErrorCode.CoordinatorLoadInProgress);
        var producer = Producer();
        var init = producer.InitTransactionsAsync();
        Complete(init);

        var times = Cluster.Requests.Where(r => r.Request.ApiKey == ApiKey.InitProducerId).Select(r => r.Request.ReceivedAt).ToList();
        Assert.Equal(3, times.Count);
        // retry.backoff.ms, then doubled.
        Assert.True(times[1] - times[0] >= TimeSpan.FromMilliseconds(100));
        Assert.True(times[2] - times[1] >= TimeSpan.FromMilliseconds(200));
        Assert.Equal(TransactionState.Ready, producer.TransactionState);
    }

    [Fact]
    public void T1_partitions_are_added_once_per_transaction_and_those_written_while_an_add_is_in_flight_go_in_the_next_request()
    {
        var producer = Initialized();
        // The coordinator answers AddPartitionsToTxn after 50 ms: partitions written meanwhile wait for the next request.
        Cluster.Handler = (node, request) => request.Request is AddPartitionsToTxnRequest ? Cluster.DefaultReply(node, request, TimeSpan.FromMilliseconds(50)) : null;
        producer.BeginTransaction();

        var first = Send(producer, 0, "p0");
        Scheduler.AdvanceBy(TimeSpan.FromMilliseconds(1));
        var more = new[] { Send(producer, 1, "p1"), Send(producer, 2, "p2"), Send(producer, 0, "p0-again") };
        CompleteAll([.. more, first]);

        var adds = Requests<AddPartitionsToTxnRequest>().Select(a => a.V3AndBelowTopics.SelectMany(t => t.Partitions).Order().ToArray()).ToList();
        Assert.Equal([[0], [1, 2]], adds);
        // No Produce went to a partition before the coordinator added it.
        var firstProduce = Cluster.Requests.Where(r => r.Request.ApiKey == ApiKey.Produce).Min(r => r.Request.ReceivedAt);
        var firstAdded = Cluster.Requests.First(r => r.Request.ApiKey == ApiKey.AddPartitionsToTxn).Request.ReceivedAt + TimeSpan.FromMilliseconds(50);
        Assert.True(firstProduce >= firstAdded);
        Complete(producer.CommitTransactionAsync());
        Assert.Equal(["p0", "p0-again"], Committed(0));
        Assert.Equal(["p1"], Committed(1));
        Assert.Equal(["p2"], Committed(2));

        // A new transaction adds its partitions again.
        producer.BeginTransaction();
        Complete(Send(producer, 1, "next"));
        Assert.Equal(3, Count(ApiKey.AddPartitionsToTxn));
    }

    [Fact]
    public void T1_illegal_calls_throw_InvalidOperationException_naming_the_state()
    {
        var producer = Producer();
        Assert.Contains("Uninitialized", Assert.Throws<InvalidOperationException>(producer.BeginTransaction).Message);
        Complete(producer.InitTransactionsAsync());
        Assert.Contains("state Ready", Fails<InvalidOperationException>(producer.CommitTransactionAsync()).Message);
        Assert.Contains("state Ready", Fails<InvalidOperationException>(producer.AbortTransactionAsync()).Message);
        Assert.Contains("BeginTransaction", Fails<InvalidOperationException>(Send(producer, 0, "outside")).Message);
        Assert.Throws<InvalidOperationException>(() => producer.Send(new ProducerRecord<string?, string?>("orders", null, "outside")));
        Fails<InvalidOperationException>(producer.InitTransactionsAsync());
        producer.BeginTransaction();
        Assert.Contains("InTransaction", Assert.Throws<InvalidOperationException>(producer.BeginTransaction).Message);
        Assert.Empty(Written(0));

        var plain = Producer(Options with { TransactionalId = null });
        Assert.Contains("transactional.id", Assert.Throws<InvalidOperationException>(plain.BeginTransaction).Message);
    }

    [Fact]
    public void T1_an_abort_fails_the_records_not_sent_yet_with_TransactionAbortedException_and_the_producer_goes_on()
    {
        var producer = Initialized(Options with { Linger = TimeSpan.FromSeconds(1) });
        producer.BeginTransaction();
        var unsent = Send(producer, 0, "lingering");
        Scheduler.AdvanceBy(TimeSpan.FromMilliseconds(10));

        Complete(producer.AbortTransactionAsync());

        Fails<TransactionAbortedException>(unsent);
        Assert.Empty(Written(0));
        producer.BeginTransaction();
        var next = Send(producer, 0, "next");
        Complete(producer.CommitTransactionAsync(), TimeSpan.FromSeconds(3));
        Assert.True(next.IsCompletedSuccessfully);
        Assert.Equal(["next"], Committed(0));
    }

    [Fact]
    public void T1_an_empty_transaction_commits_without_asking_the_coordinator()
    {
        var producer = Initialized();
        producer.BeginTransaction();
        Complete(producer.CommitTransactionAsync());
        Assert.Equal(0, Count(ApiKey.EndTxn));
        Assert.Equal(TransactionState.Ready, producer.TransactionState);
    }

    [Fact]
    public void T1_offsets_sent_to_a_transaction_are_the_groups_committed_offsets_only_once_it_commits()
    {
        var producer = Initialized();
        var group = new RxKafka.ConsumerGroupMetadata("readers");

        producer.BeginTransaction();
        Complete(Send(producer, 0, "out-1"));
        Complete(producer.SendOffsetsToTransactionAsync([new TopicPartitionOffset(new TopicPartition("orders", 1), 17)], group));
        Assert.Null(Cluster.CommittedOffset("readers", "orders", 1));
        Complete(producer.AbortTransactionAsync());
        Assert.Null(Cluster.CommittedOffset("readers", "orders", 1));

        producer.BeginTransaction();
        Complete(Send(producer, 0, "out-2"));
        Complete(producer.SendOffsetsToTransactionAsync([new TopicPartitionOffset(new TopicPartition("orders", 1), 18)], group));
        Assert.Null(Cluster.CommittedOffset("readers", "orders", 1));
        Complete(producer.CommitTransactionAsync());

        Assert.Equal(18, Cluster.CommittedOffset("readers", "orders", 1)!.Offset);
        Assert.Equal(["out-2"], Committed(0));
        var commit = Requests<TxnOffsetCommitRequest>().Last();
        Assert.Equal(("readers", TxId, -1, ""), (commit.GroupId, commit.TransactionalId, commit.GenerationId, commit.MemberId));
        Assert.All(Requests<AddOffsetsToTxnRequest>(), a => Assert.Equal("readers", a.GroupId));
    }

    [Fact]
    public void T1_before_KIP_890_part_2_EndTxn_goes_at_v4_and_the_epoch_stays_across_transactions()
    {
        var producer = Initialized();
        var epoch = Cluster.Transaction(TxId)!.ProducerEpoch;
        for (var i = 0; i < 3; i++)
        {
            producer.BeginTransaction();
            Complete(Send(producer, 0, $"v{i}"));
            Complete(producer.CommitTransactionAsync());
        }

        Assert.False(producer.Transactions!.IsV2);
        Assert.All(Cluster.Requests.Where(r => r.Request.ApiKey == ApiKey.EndTxn), r => Assert.Equal(4, r.Request.Version));
        // The brokers offer Produce v12, but a v12 batch would ask for KIP-890 part 2's implicit add: v1 stays at v11.
        Assert.All(Cluster.Requests.Where(r => r.Request.ApiKey == ApiKey.Produce), r => Assert.Equal(11, r.Request.Version));
        Assert.Equal(epoch, Cluster.Transaction(TxId)!.ProducerEpoch);
        Assert.Equal(["v0", "v1", "v2"], Committed(0));
        // Sequences go on within the epoch: 0, 1, 2.
        Assert.Equal([0, 1, 2], Cluster.Batches("orders", 0).Where(b => !b.IsControl).Select(b => b.BaseSequence));
    }
}
