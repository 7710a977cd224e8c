// Virtual time: each task is completed by advancing the TestScheduler and checked with IsCompleted
// before .Result is read, so nothing blocks; cancellation tokens have no role here.
#pragma warning disable xUnit1031, xUnit1051

using RxKafka.Cluster;
using RxKafka.Producer.Transactions;
using RxKafka.Protocol.Messages;
using RxKafka.Testing;
using RxKafka.Testing.Network;

namespace RxKafka.Tests.Testing;

/// <summary>
/// The scripted cluster's KIP-890 part 2 (transaction.version 2, Kafka 4.0), with raw requests: the feature in
/// ApiVersions, a transactional Produce v12 adding its partition, TxnOffsetCommit v5 its group, EndTxn v5's epoch
/// bump fencing the old epoch's writes, and the errors a Kafka 4 leader answers.
/// </summary>
public sealed class ScriptedClusterTransactionsV2Tests : ScriptedClusterTransactionsTestBed
{
    private static readonly TopicPartition T0 = new("t", 0);
    private static readonly TopicPartition T2 = new("t", 2);

    [Fact]
    public void ApiVersions_v3_reports_transaction_version_as_a_finalized_feature_that_a_new_connection_reads()
    {
        Assert.Equal(2, Cluster.TransactionVersion);
        var table = Connect(1).ApiVersions!;
        Assert.Equal((short?)2, table.FinalizedLevel(ScriptedCluster.TransactionVersionFeature));
        Assert.True(TransactionProtocol.OffersV2(table));

        Cluster.TransactionVersion = 1;
        var after = Connect(1).ApiVersions!;
        Assert.Equal((short?)1, after.FinalizedLevel(ScriptedCluster.TransactionVersionFeature));
        Assert.True(after.FinalizedFeaturesEpoch > table.FinalizedFeaturesEpoch);
        Assert.False(TransactionProtocol.OffersV2(after));
        Cluster.TransactionVersion = 0;
        Assert.Null(Connect(1).ApiVersions!.FinalizedLevel(ScriptedCluster.TransactionVersionFeature));

        // Level 2 without the versions that carry it is no v2 either (a broker that does not offer Produce v12).
        Cluster.TransactionVersion = 2;
        Cluster.SetApiVersion(ApiKey.Produce, 0, 11);
        Assert.False(TransactionProtocol.OffersV2(Connect(1).ApiVersions!));

        var bad = Assert.Throws<ArgumentOutOfRangeException>(() => Cluster.TransactionVersion = 3);
        Assert.Contains("transaction.version levels are 0 to 2", bad.Message);
    }

    [Fact]
    public void T1_T2_a_transactional_Produce_v12_adds_its_partition_and_EndTxn_v5_fences_the_epoch_before_its_bump()
    {
        var coordinator = Coordinator();
        var (_, pid, epoch) = InitProducerId(coordinator, version: 5);

        // No AddPartitionsToTxn: the leader has the coordinator add the partition, and the transaction opens.
        Assert.Equal((ErrorCode.None, 0L), Produce(0, Batch(pid, epoch, 0, "a"), version: 12));
        Assert.Equal((ErrorCode.None, 0L), Produce(2, Batch(pid, epoch, 0, "c"), version: 12));
        var open = Cluster.Transaction(TxId)!;
        Assert.Equal(ScriptedTransactionState.Ongoing, open.State);
        Assert.Equal([T0, T2], open.Partitions);
        Assert.Equal(0L, Cluster.LastStableOffset("t", 0));

        var end = EndTxn(coordinator, pid, epoch, commit: true, version: 5);
        Assert.Equal((0, pid, (short)(epoch + 1)), (end.ErrorCode, end.ProducerId, end.ProducerEpoch));
        Assert.Equal(["0:a", "1:COMMIT/1"], Read(Fetch(0, 0, isolation: 1)));

        // A write of the old epoch after the bump (a late retry, a zombie) is fenced, and nothing is appended.
        Assert.Equal(ErrorCode.InvalidProducerEpoch, Produce(0, Batch(pid, epoch, 1, "late"), version: 12).Error);
        Assert.Equal(ErrorCode.InvalidProducerEpoch, Produce(1, Batch(pid, epoch, 0, "late"), version: 12).Error);
        Assert.Equal(2L, Cluster.LogEndOffset("t", 0));
        Assert.Equal(0L, Cluster.LogEndOffset("t", 1));
        Assert.Equal(ScriptedTransactionState.CompleteCommit, Cluster.Transaction(TxId)!.State);

        // The new epoch starts the next transaction at sequence 0.
        Assert.Equal((ErrorCode.None, 2L), Produce(0, Batch(pid, (short)(epoch + 1), 0, "b"), version: 12));
        Assert.Equal(0, EndTxn(coordinator, pid, (short)(epoch + 1), commit: false, version: 5).ErrorCode);
        Assert.Equal(["0:a", "1:COMMIT/1", "2:b", "3:ABORT/2"], Read(Fetch(0, 0, isolation: 0)));
        Assert.Equal([new ScriptedAbortedTransaction(pid, 2, 3)], Cluster.AbortedTransactions("t", 0));
    }

    [Fact]
    public void T1_a_cluster_below_transaction_version_2_answers_a_transactional_Produce_v12_UNSUPPORTED_VERSION()
    {
        Cluster.TransactionVersion = 1;
        var coordinator = Coordinator();
        var (_, pid, epoch) = InitProducerId(coordinator, version: 5);

        Assert.Equal(ErrorCode.UnsupportedVersion, Produce(0, Batch(pid, epoch, 0, "a"), version: 12).Error);
        // Below v12 the partition must have been added, whatever the level.
        Assert.Equal(ErrorCode.InvalidTxnState, Produce(0, Batch(pid, epoch, 0, "a"), version: 11).Error);
        Assert.Equal([ErrorCode.None], AddPartitions(coordinator, pid, epoch, [0]));
        Assert.Equal((ErrorCode.None, 0L), Produce(0, Batch(pid, epoch, 0, "a"), version: 11));
        // Batches of no transaction are Produce v12's as v11's.
        Assert.Equal((ErrorCode.None, 0L), Produce(1, Plain("plain"), version: 12));
    }

    [Fact]
    public void T1_Produce_v12_answers_the_coordinators_errors_as_a_Kafka_4_leader_maps_them()
    {
        var coordinator = Coordinator();
        var (_, pid, epoch) = InitProducerId(coordinator, version: 5);

        // Not the producer id of the transactional id.
        Assert.Equal(ErrorCode.InvalidProducerIdMapping, Produce(0, Batch(pid + 7, 0, 0, "a"), version: 12).Error);

        // The last end's markers are still being written: CONCURRENT_TRANSACTIONS, retriable.
        Assert.Equal(ErrorCode.None, Produce(0, Batch(pid, epoch, 0, "a"), version: 12).Error);
        Cluster.TransactionMarkerDelay = TimeSpan.FromMilliseconds(50);
        Assert.Equal(0, EndTxn(coordinator, pid, epoch, commit: true, version: 5).ErrorCode);
        var next = (short)(epoch + 1);
        Assert.Equal(ErrorCode.ConcurrentTransactions, Produce(0, Batch(pid, next, 0, "b"), version: 12).Error);
        Scheduler.AdvanceBy(TimeSpan.FromMilliseconds(50));
        Assert.Equal(ErrorCode.None, Produce(0, Batch(pid, next, 0, "b"), version: 12).Error);

        // A coordinator that cannot be reached: NOT_ENOUGH_REPLICAS, which producers retry without a metadata refresh.
        var coordinatorNode = Cluster.Coordinator(CoordinatorType.Transaction, TxId);
        var otherLeader = Enumerable.Range(0, 3).First(p => Cluster.Partitions("t")[p].LeaderId != coordinatorNode);
        Cluster.SetCoordinator(CoordinatorType.Transaction, TxId, coordinatorNode);
        Cluster.SetBrokerDown(coordinatorNode);
        Assert.Equal(ErrorCode.NotEnoughReplicas, Produce(otherLeader, Batch(pid, next, 0, "c"), version: 12).Error);
    }

    [Fact]
    public void T1_TxnOffsetCommit_v5_adds_the_group_itself_and_v4_still_needs_AddOffsetsToTxn()
    {
        var coordinator = Coordinator();
        var groupCoordinator = Connect(Cluster.Coordinator(CoordinatorType.Group, Group));
        var (_, pid, epoch) = InitProducerId(coordinator, version: 5);

        Assert.Equal(ErrorCode.InvalidTxnState, TxnOffsetCommit(groupCoordinator, pid, epoch, partition: 0, offset: 4, version: 4));
        Assert.Equal(ErrorCode.None, TxnOffsetCommit(groupCoordinator, pid, epoch, partition: 0, offset: 5, version: 5));
        var open = Cluster.Transaction(TxId)!;
        Assert.Equal(ScriptedTransactionState.Ongoing, open.State);
        Assert.Equal([Group], open.Groups);
        Assert.Null(Cluster.CommittedOffset(Group, "t", 0));
        Assert.Equal(ErrorCode.InvalidProducerEpoch, TxnOffsetCommit(groupCoordinator, pid, (short)(epoch + 1), partition: 0, offset: 6, version: 5));

        Assert.Equal(0, EndTxn(coordinator, pid, epoch, commit: true, version: 5).ErrorCode);
        Assert.Equal(5L, Cluster.CommittedOffset(Group, "t", 0)!.Offset);

        // Below transaction.version 2, v5 is v4: the group must have been added.
        Cluster.TransactionVersion = 1;
        Assert.Equal(ErrorCode.InvalidTxnState, TxnOffsetCommit(groupCoordinator, pid, (short)(epoch + 1), partition: 0, offset: 7, version: 5));
    }

    [Fact]
    public void T1_EndTxn_v5_aborts_a_transaction_that_never_opened_with_an_epoch_bump_and_refuses_to_commit_one()
    {
        var coordinator = Coordinator();
        var (_, pid, epoch) = InitProducerId(coordinator, version: 5);

        Assert.Equal((short)ErrorCode.InvalidTxnState, EndTxn(coordinator, pid, epoch, commit: true, version: 5).ErrorCode);
        var abort = EndTxn(coordinator, pid, epoch, commit: false, version: 5);
        Assert.Equal((0, (short)(epoch + 1)), (abort.ErrorCode, abort.ProducerEpoch));
        // Its retry is answered the same; a new empty abort at the new epoch bumps again; no marker anywhere.
        Assert.Equal((short)(epoch + 1), EndTxn(coordinator, pid, epoch, commit: false, version: 5).ProducerEpoch);
        Assert.Equal((short)(epoch + 2), EndTxn(coordinator, pid, (short)(epoch + 1), commit: false, version: 5).ProducerEpoch);
        Assert.Equal(ScriptedTransactionState.CompleteAbort, Cluster.Transaction(TxId)!.State);
        Assert.All(Enumerable.Range(0, 3), p => Assert.Equal(0L, Cluster.LogEndOffset("t", p)));
        // Before v5 an end with none open stays INVALID_TXN_STATE.
        Assert.Equal((short)ErrorCode.InvalidTxnState, EndTxn(coordinator, pid, (short)(epoch + 2), commit: true, version: 4).ErrorCode);
    }

    [Fact]
    public void SetTransactionalProducerEpoch_moves_an_idle_transactional_id_and_names_what_it_refuses()
    {
        Assert.Contains("'nobody'", Assert.Throws<ArgumentException>(() => Cluster.SetTransactionalProducerEpoch("nobody", 5)).Message);
        var coordinator = Coordinator();
        var (_, pid, epoch) = InitProducerId(coordinator, version: 5);
        Assert.Throws<ArgumentOutOfRangeException>(() => Cluster.SetTransactionalProducerEpoch(TxId, short.MaxValue));

        Cluster.SetTransactionalProducerEpoch(TxId, 32766);
        Assert.Equal((pid, (short)32766), Cluster.TransactionalProducerId(TxId));
        Assert.Equal(ErrorCode.InvalidProducerEpoch, Produce(0, Batch(pid, epoch, 0, "fenced"), version: 12).Error);

        // The last usable epoch: the end's bump moves to a new producer id at epoch 0.
        Assert.Equal(ErrorCode.None, Produce(0, Batch(pid, 32766, 0, "a"), version: 12).Error);
        Assert.Contains("Ongoing", Assert.Throws<InvalidOperationException>(() => Cluster.SetTransactionalProducerEpoch(TxId, 3)).Message);
        var end = EndTxn(coordinator, pid, 32766, commit: true, version: 5);
        Assert.Equal((0, (short)0), (end.ErrorCode, end.ProducerEpoch));
        Assert.NotEqual(pid, end.ProducerId);
        Assert.Equal(["0:a", "1:COMMIT/32766"], Read(Fetch(0, 0, isolation: 1)));
    }
}
