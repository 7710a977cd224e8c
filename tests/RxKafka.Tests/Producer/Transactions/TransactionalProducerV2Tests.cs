#pragma warning disable xUnit1031, xUnit1051

using RxKafka.Cluster;
using RxKafka.Producer;
using RxKafka.Protocol.Messages;
using RxKafka.Testing;
using RxKafka.Testing.Network;

namespace RxKafka.Tests.Producer.Transactions;

/// <summary>
/// The transactional producer (T1) on a cluster running KIP-890 part 2 (transaction.version 2, Kafka 4.0): no
/// AddPartitionsToTxn or AddOffsetsToTxn (Produce v12 and TxnOffsetCommit v5 add implicitly), an epoch bump at every
/// EndTxn v5, taken from its answer; commit, abort, abortable errors, fencing and a moved coordinator, in virtual time.
/// </summary>
public sealed class TransactionalProducerV2Tests() : TransactionalProducerTestBed(transactionVersion: 2)
{
    [Fact]
    public void T1_v2_commit_and_abort_add_no_partitions_explicitly_and_every_end_bumps_the_epoch_the_producer_goes_on_with()
    {
        var producer = Initialized();
        Assert.True(producer.Transactions!.IsV2);
        var (producerId, epoch) = Cluster.TransactionalProducerId(TxId)!.Value;

        producer.BeginTransaction();
        CompleteAll([Send(producer, 0, "c1"), Send(producer, 1, "c2"), Send(producer, 0, "c3")]);
        Assert.Equal(ScriptedTransactionState.Ongoing, Cluster.Transaction(TxId)!.State);
        Assert.Equal([new TopicPartition("orders", 0), new TopicPartition("orders", 1)], Cluster.Transaction(TxId)!.Partitions);
        Assert.Empty(Committed(0));
        Complete(producer.CommitTransactionAsync());

        producer.BeginTransaction();
        CompleteAll([Send(producer, 0, "a1"), Send(producer, 2, "a2")]);
        Complete(producer.AbortTransactionAsync());

        CommitTransaction(producer, (0, "c4"));

        Assert.Equal(["c1", "c3", "c4"], Committed(0));
        Assert.Equal(["c2"], Committed(1));
        Assert.Empty(Committed(2));
        Assert.Equal(0, Count(ApiKey.AddPartitionsToTxn));
        Assert.Equal(1, Count(ApiKey.InitProducerId));
        Assert.All(Cluster.Requests.Where(r => r.Request.ApiKey == ApiKey.Produce), r => Assert.Equal(12, r.Request.Version));
        Assert.All(Cluster.Requests.Where(r => r.Request.ApiKey == ApiKey.EndTxn), r => Assert.Equal(5, r.Request.Version));
        // Each EndTxn went with the epoch the one before answered; the markers carry the bumped epoch.
        Assert.Equal([epoch, (short)(epoch + 1), (short)(epoch + 2)], Requests<EndTxnRequest>().Select(e => e.ProducerEpoch));
        Assert.All(Requests<EndTxnRequest>(), e => Assert.Equal(producerId, e.ProducerId));
        Assert.Equal((producerId, (short)(epoch + 3)), Cluster.TransactionalProducerId(TxId));
        var batches = Cluster.Batches("orders", 0);
        Assert.Equal([(short)(epoch + 1), (short)(epoch + 2), (short)(epoch + 3)], batches.Where(b => b.IsControl).Select(b => b.ProducerEpoch));
        // A new epoch every transaction: each one's sequences start at 0.
        Assert.Equal(
            [(epoch, 0), ((short)(epoch + 1), 0), ((short)(epoch + 2), 0)],
            batches.Where(b => !b.IsControl).GroupBy(b => b.ProducerEpoch).Select(g => (g.Key, g.Min(b => b.BaseSequence))));
    }

    [Fact]
    public void T1_v2_offsets_go_in_TxnOffsetCommit_v5_alone_and_count_only_when_the_transaction_commits()
    {
        var producer = Initialized();
        var group = new RxKafka.ConsumerGroupMetadata("readers");
        producer.BeginTransaction();
        Complete(Send(producer, 0, "out-1"));
        Complete(producer.SendOffsetsToTransactionAsync([new TopicPartitionOffset(new TopicPartition("orders", 1), 17)], group));
        Assert.Equal(["readers"], Cluster.Transaction(TxId)!.Groups);
        Complete(producer.AbortTransactionAsync());
        Assert.Null(Cluster.CommittedOffset("readers", "orders", 1));

        // Offsets alone: the TxnOffsetCommit opens the transaction at the coordinator, and the commit is sent.
        producer.BeginTransaction();
        Complete(producer.SendOffsetsToTransactionAsync([new TopicPartitionOffset(new TopicPartition("orders", 1), 18)], group));
        Assert.Equal(ScriptedTransactionState.Ongoing, Cluster.Transaction(TxId)!.State);
        Assert.Null(Cluster.CommittedOffset("readers", "orders", 1));
        Complete(producer.CommitTransactionAsync());

        Assert.Equal(18, Cluster.CommittedOffset("readers", "orders", 1)!.Offset);
        Assert.Equal(0, Count(ApiKey.AddOffsetsToTxn));
        Assert.All(Cluster.Requests.Where(r => r.Request.ApiKey == ApiKey.TxnOffsetCommit), r => Assert.Equal(5, r.Request.Version));
        Assert.Equal(2, Count(ApiKey.EndTxn));
    }

    [Fact]
    public void T1_v2_an_abort_before_any_record_reached_a_broker_still_ends_the_transaction_with_an_epoch_bump()
    {
        var producer = Initialized(Options with { Linger = TimeSpan.FromSeconds(1) });
        var epoch = Cluster.Transaction(TxId)!.ProducerEpoch;
        producer.BeginTransaction();
        var unsent = Send(producer, 0, "lingering");
        Scheduler.AdvanceBy(TimeSpan.FromMilliseconds(10));

        Complete(producer.AbortTransactionAsync());

        Fails<TransactionAbortedException>(unsent);
        // The producer cannot know whether a write of its reached a leader: the coordinator takes the abort anyway.
        var end = Assert.Single(Requests<EndTxnRequest>());
        Assert.False(end.Committed);
        Assert.Equal(epoch + 1, Cluster.Transaction(TxId)!.ProducerEpoch);
        Assert.Empty(Written(0));
        CommitTransaction(producer, (0, "next"));
        Assert.Equal(["next"], Committed(0));
    }

    [Fact]
    public void T1_v2_an_abortable_error_is_recovered_by_the_abort_alone_the_EndTxn_answer_bringing_the_new_epoch()
    {
        var producer = Initialized();
        var epoch = Cluster.Transaction(TxId)!.ProducerEpoch;
        producer.BeginTransaction();
        Complete(Send(producer, 0, "kept-out"));
        Cluster.PushRequestErrors(ApiKey.Produce, ErrorCode.TransactionAbortable);
        Assert.Equal(ErrorCode.TransactionAbortable, Fails<KafkaException>(Send(producer, 1, "refused")).ErrorCode);
        Assert.Equal(TransactionState.AbortableError, producer.TransactionState);
        Assert.Contains("AbortableError", Fails<InvalidOperationException>(producer.CommitTransactionAsync()).Message);

        Complete(producer.AbortTransactionAsync());

        // No InitProducerId after the abort (KIP-360's bump is the v1 way): the coordinator bumped at the end.
        Assert.Equal(1, Count(ApiKey.InitProducerId));
        Assert.Equal(epoch + 1, Cluster.Transaction(TxId)!.ProducerEpoch);
        Assert.Equal(TransactionState.Ready, producer.TransactionState);
        CommitTransaction(producer, (0, "recovered"));
        Assert.Equal(["recovered"], Committed(0));
        Assert.Equal(((short)(epoch + 1), 0), Cluster.Batches("orders", 0).Where(b => !b.IsControl).Select(b => (b.ProducerEpoch, b.BaseSequence)).Last());
    }

    [Fact]
    public void T1_v2_a_second_producer_with_the_same_transactional_id_fences_the_first_whose_old_epoch_writes_are_refused()
    {
        var first = Initialized();
        first.BeginTransaction();
        Complete(Send(first, 0, "zombie"));

        var second = Initialized();
        Assert.Single(Cluster.AbortedTransactions("orders", 0));

        // The zombie's next write asks the leader to add a partition with the old epoch: refused.
        Assert.Equal(ErrorCode.InvalidProducerEpoch, Fails<KafkaException>(Send(first, 1, "zombie-2")).ErrorCode);
        Assert.Empty(Written(1));
        Assert.Equal(TransactionState.AbortableError, first.TransactionState);
        var fenced = Fails<ProducerFencedException>(first.AbortTransactionAsync());
        Assert.Contains(TxId, fenced.Message);
        Assert.Equal(TransactionState.FatalError, first.TransactionState);
        Assert.Throws<ProducerFencedException>(first.BeginTransaction);

        CommitTransaction(second, (0, "survivor"));
        Assert.Equal(["survivor"], Committed(0));
        Assert.Empty(Committed(1));
    }

    [Fact]
    public void T1_v2_a_coordinator_that_moves_mid_transaction_is_found_again_for_the_EndTxn_and_the_transaction_commits()
    {
        var producer = Initialized();
        var before = Cluster.Coordinator(CoordinatorType.Transaction, TxId);
        producer.BeginTransaction();
        Complete(Send(producer, 0, "m1"));

        var after = (before % 3) + 1;
        Cluster.SetCoordinator(CoordinatorType.Transaction, TxId, after);
        // The leader asks the new coordinator to add partition 1: nothing for the producer to do.
        Complete(Send(producer, 1, "m2"));
        Complete(producer.CommitTransactionAsync());

        Assert.Equal(["m1"], Committed(0));
        Assert.Equal(["m2"], Committed(1));
        var ends = Cluster.Requests.Where(r => r.Request.ApiKey == ApiKey.EndTxn).Select(r => r.NodeId).ToList();
        // The first EndTxn went to the old coordinator; after its NOT_COORDINATOR the client looked it up again.
        Assert.Equal([before, after], ends);
        Assert.Equal(ScriptedTransactionState.CompleteCommit, Cluster.Transaction(TxId)!.State);
        Assert.Equal(0, Count(ApiKey.AddPartitionsToTxn));
    }

    [Fact]
    public void T1_v2_when_the_epoch_runs_out_the_EndTxn_answer_brings_a_new_producer_id_at_epoch_0()
    {
        _ = Initialized();
        Cluster.SetTransactionalProducerEpoch(TxId, 32765);
        var producer = Initialized(); // InitProducerId bumps it to 32766, the last usable epoch
        var (oldId, lastEpoch) = Cluster.TransactionalProducerId(TxId)!.Value;
        Assert.Equal(32766, lastEpoch);

        CommitTransaction(producer, (0, "last-of-the-old-id"));
        var (newId, newEpoch) = Cluster.TransactionalProducerId(TxId)!.Value;
        Assert.NotEqual(oldId, newId);
        Assert.Equal(0, newEpoch);

        CommitTransaction(producer, (0, "first-of-the-new-id"));

        Assert.Equal(["last-of-the-old-id", "first-of-the-new-id"], Committed(0));
        Assert.Equal([(oldId, lastEpoch, 0), (newId, (short)0, 0)], Cluster.Batches("orders", 0).Where(b => !b.IsControl).Select(b => (b.ProducerId, b.ProducerEpoch, b.BaseSequence)));
        Assert.Equal((newId, (short)0), (Requests<EndTxnRequest>().Last().ProducerId, Requests<EndTxnRequest>().Last().ProducerEpoch));
    }
}
