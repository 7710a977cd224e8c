#pragma warning disable xUnit1031, xUnit1051

using RxKafka.Cluster;
using RxKafka.Producer;
using RxKafka.Protocol.Messages;
using RxKafka.Testing;
using RxKafka.Testing.Network;

namespace RxKafka.Tests.Producer.Transactions;

/// <summary>
/// The transactional producer under faults (T1): timeouts, a moved coordinator, abortable and fatal errors, fencing,
/// with the KIP-98 protocol (transaction.version 1); under KIP-890 part 2 in <see cref="TransactionalProducerV2Tests"/>.
/// </summary>
public sealed class TransactionalProducerErrorsTests() : TransactionalProducerTestBed(transactionVersion: 1)
{
    [Fact]
    public void T1_a_transaction_open_past_transaction_timeout_ms_is_aborted_by_the_coordinator_and_the_producer_is_fenced()
    {
        var producer = Initialized(Options with { TransactionTimeout = TimeSpan.FromSeconds(1) });
        producer.BeginTransaction();
        Complete(Send(producer, 0, "too-late"));

        Scheduler.AdvanceBy(TimeSpan.FromSeconds(2));
        Assert.Equal(ScriptedTransactionState.CompleteAbort, Cluster.Transaction(TxId)!.State);

        // As Kafka's coordinator does, the timeout bumped the epoch: the producer's EndTxn is fenced (Java: ProducerFencedException).
        Fails<ProducerFencedException>(producer.CommitTransactionAsync());
        Assert.Equal(TransactionState.FatalError, producer.TransactionState);
        Assert.Throws<ProducerFencedException>(producer.BeginTransaction);
        Fails<ProducerFencedException>(Send(producer, 0, "after"));
        Assert.Empty(Committed(0));
    }

    [Fact]
    public void T1_a_coordinator_that_moves_mid_transaction_is_found_again_and_the_transaction_commits()
    {
        var producer = Initialized();
        var before = Cluster.Coordinator(CoordinatorType.Transaction, TxId);
        producer.BeginTransaction();
        Complete(Send(producer, 0, "m1"));

        var after = before % 3 + 1;
        Cluster.SetCoordinator(CoordinatorType.Transaction, TxId, after);
        Complete(Send(producer, 1, "m2"));
        Complete(producer.CommitTransactionAsync());

        Assert.Equal(["m1"], Committed(0));
        Assert.Equal(["m2"], Committed(1));
        var transactional = Cluster.Requests.Where(r => r.Request.ApiKey is ApiKey.AddPartitionsToTxn or ApiKey.EndTxn).Select(r => (r.Request.ApiKey, r.NodeId)).ToList();
        // The first add went to the old coordinator; after its NOT_COORDINATOR the client looked it up again.
        Assert.Equal((ApiKey.AddPartitionsToTxn, before), transactional[0]);
        Assert.Contains((ApiKey.AddPartitionsToTxn, after), transactional);
        Assert.Equal((ApiKey.EndTxn, after), transactional[^1]);
        Assert.True(Requests<FindCoordinatorRequest>().Count(f => f.KeyType == (sbyte)CoordinatorType.Transaction) >= 2);
    }

    [Fact]
    public void T1_T3_records_that_expire_while_the_commit_waits_for_them_fail_the_commit_and_nothing_is_committed()
    {
        // orders-0 is led by broker 1, which also coordinates; orders-1 by broker 2, which goes down for good.
        Cluster.SetCoordinator(CoordinatorType.Transaction, TxId, 1);
        var producer = Initialized();
        producer.BeginTransaction();
        Complete(Send(producer, 0, "a"));
        Cluster.SetBrokerDown(2);
        producer.Send(new ProducerRecord<string?, string?>("orders", null, "b") { Partition = 1 }); // no callback: completed inline, as the exactly-once pipeline sends

        // The flush waits for "b" until delivery.timeout.ms (20 s) expires it. The transaction became abortable only
        // after the record's outcome was delivered, and the commit, woken by that very delivery, went ahead first:
        // EndTxn committed "a" without "b", and the input offsets of a pipeline with it.
        var commit = Fails<KafkaException>(producer.CommitTransactionAsync(), TimeSpan.FromSeconds(30));

        Assert.Contains("abort it", commit.Message);
        Assert.Equal(TransactionState.AbortableError, producer.TransactionState);
        Assert.DoesNotContain(Cluster.EndedTransactions, t => t.IsCommitted);
        Complete(producer.AbortTransactionAsync(), TimeSpan.FromSeconds(5));
        Assert.Equal(ScriptedTransactionEnd.Aborted, Assert.Single(Cluster.EndedTransactions).End);
        Assert.Empty(Committed(0));
    }

    [Fact]
    public void T1_a_failed_record_makes_the_transaction_abortable_and_after_the_abort_the_epoch_is_bumped_and_the_producer_goes_on()
    {
        var producer = Initialized();
        var epoch = Cluster.Transaction(TxId)!.ProducerEpoch;
        producer.BeginTransaction();
        Complete(Send(producer, 0, "kept-out"));
        Cluster.PushRequestErrors(ApiKey.Produce, ErrorCode.TransactionAbortable);
        var failed = Fails<KafkaException>(Send(producer, 0, "refused"));
        Assert.Equal(ErrorCode.TransactionAbortable, failed.ErrorCode);
        Assert.Equal(TransactionState.AbortableError, producer.TransactionState);

        // Only an abort is allowed now: commit is refused naming the state, with the cause inside; begin and sends too.
        var commit = Fails<InvalidOperationException>(producer.CommitTransactionAsync());
        Assert.Contains("AbortableError", commit.Message);
        Assert.Equal(ErrorCode.TransactionAbortable, Assert.IsAssignableFrom<KafkaException>(commit.InnerException).ErrorCode);
        Assert.Contains("AbortableError", Assert.Throws<InvalidOperationException>(producer.BeginTransaction).Message);
        Fails<TransactionAbortedException>(Send(producer, 1, "while-failed"));
        Complete(producer.AbortTransactionAsync());

        // KIP-360: InitProducerId with the producer's own id and epoch bumped the epoch; the producer id stays.
        var init = Requests<InitProducerIdRequest>().Last();
        Assert.Equal((Cluster.TransactionalProducerId(TxId)!.Value.ProducerId, epoch), (init.ProducerId, init.ProducerEpoch));
        Assert.Equal(epoch + 1, Cluster.Transaction(TxId)!.ProducerEpoch);
        Assert.Equal(TransactionState.Ready, producer.TransactionState);

        CommitTransaction(producer, (0, "recovered"));
        Assert.Equal(["recovered"], Committed(0));
        // The new epoch's sequences start at 0.
        Assert.Equal(0, Cluster.Batches("orders", 0).Last(b => !b.IsControl).BaseSequence);
    }

    [Fact]
    public void T1_an_invalid_txn_state_for_a_partition_is_abortable()
    {
        var producer = Initialized();
        producer.BeginTransaction();
        Cluster.PushRequestErrors(ApiKey.AddPartitionsToTxn, ErrorCode.InvalidTxnState);
        var record = Send(producer, 0, "not-added");
        Scheduler.AdvanceBy(TimeSpan.FromMilliseconds(100));
        Assert.Equal(TransactionState.AbortableError, producer.TransactionState);

        Complete(producer.AbortTransactionAsync());
        Fails<TransactionAbortedException>(record);
        Assert.Empty(Written(0));
        Assert.Equal(TransactionState.Ready, producer.TransactionState);
    }

    [Fact]
    public void T1_a_second_producer_with_the_same_transactional_id_fences_the_first_for_good()
    {
        var first = Initialized();
        first.BeginTransaction();
        Complete(Send(first, 0, "zombie"));

        // The newer instance's InitProducerId aborts what the first left open (CONCURRENT_TRANSACTIONS until done).
        var second = Initialized();
        Assert.Single(Cluster.AbortedTransactions("orders", 0));
        Assert.Empty(Committed(0));

        var fenced = Fails<ProducerFencedException>(first.CommitTransactionAsync());
        Assert.Contains(TxId, fenced.Message);
        Assert.Equal(TransactionState.FatalError, first.TransactionState);
        // Terminal: every call throws the cause.
        Assert.Same(fenced, Assert.Throws<ProducerFencedException>(first.BeginTransaction));
        Assert.Same(fenced, Fails<ProducerFencedException>(first.AbortTransactionAsync()));
        Assert.Throws<ProducerFencedException>(() => first.Send(new ProducerRecord<string?, string?>("orders", null, "x")));

        CommitTransaction(second, (0, "survivor"));
        Assert.Equal(["survivor"], Committed(0));
    }

    [Fact]
    public void T1_a_fenced_produce_or_an_unauthorized_transactional_id_is_fatal()
    {
        Cluster.AuthorizeTransactionalId = id => id != "forbidden";
        var refused = Producer(Options with { TransactionalId = "forbidden" });
        var error = Fails<AuthorizationException>(refused.InitTransactionsAsync());
        Assert.Equal(ErrorCode.TransactionalIdAuthorizationFailed, error.ErrorCode);
        Assert.Equal(TransactionState.FatalError, refused.TransactionState);

        var producer = Initialized();
        producer.BeginTransaction();
        Cluster.PushRequestErrors(ApiKey.Produce, ErrorCode.ProducerFenced);
        Fails<ProducerFencedException>(Send(producer, 0, "fenced"));
        Assert.Equal(TransactionState.FatalError, producer.TransactionState);
        Fails<ProducerFencedException>(producer.AbortTransactionAsync());
    }

    [Fact]
    public void T1_offsets_refused_for_a_member_the_group_moved_on_from_make_the_transaction_abortable()
    {
        var producer = Initialized();
        producer.BeginTransaction();
        Cluster.PushRequestErrors(ApiKey.TxnOffsetCommit, ErrorCode.IllegalGeneration);
        var error = Fails<KafkaException>(producer.SendOffsetsToTransactionAsync([new TopicPartitionOffset(new TopicPartition("orders", 0), 5)], new RxKafka.ConsumerGroupMetadata("readers", 3, "member-1")));
        Assert.Equal(ErrorCode.IllegalGeneration, error.ErrorCode);
        Assert.Equal(TransactionState.AbortableError, producer.TransactionState);
        Complete(producer.AbortTransactionAsync());
        Assert.Null(Cluster.CommittedOffset("readers", "orders", 0));
    }
}
