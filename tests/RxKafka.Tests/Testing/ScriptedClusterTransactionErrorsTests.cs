// Virtual time: each task is completed by advancing the TestScheduler and checked with IsCompleted
// before .Result is read, so nothing blocks; cancellation tokens have no role here.
#pragma warning disable xUnit1031, xUnit1051

using RxKafka.Cluster;
using RxKafka.Protocol.Messages;
using RxKafka.Testing.Network;

namespace RxKafka.Tests.Testing;

/// <summary>The errors of the scripted cluster's transaction coordinator and partition leaders, as Kafka gives them, in virtual time.</summary>
public sealed class ScriptedClusterTransactionErrorsTests : ScriptedClusterTransactionsTestBed
{
    [Fact]
    public void T1_ending_or_writing_outside_an_open_transaction_is_INVALID_TXN_STATE()
    {
        var coordinator = Coordinator();
        var (_, pid, epoch) = InitProducerId(coordinator);

        Assert.Equal((short)ErrorCode.InvalidTxnState, EndTxn(coordinator, pid, epoch, commit: true).ErrorCode); // nothing open
        Assert.Equal(ErrorCode.InvalidTxnState, Produce(0, Batch(pid, epoch, 0, "a")).Error);              // not added
        AddPartitions(coordinator, pid, epoch, [0]);
        Assert.Equal(ErrorCode.InvalidTxnState, Produce(1, Batch(pid, epoch, 0, "b")).Error);              // another partition
        Assert.Equal(ErrorCode.InvalidTxnState, Produce(0, Batch(pid + 50, 0, 0, "c")).Error);             // no such producer
        Assert.Equal(0L, Cluster.LogEndOffset("t", 1));

        var groupCoordinator = Connect(Cluster.Coordinator(CoordinatorType.Group, Group));
        Assert.Equal(ErrorCode.InvalidTxnState, TxnOffsetCommit(groupCoordinator, pid, epoch, 0, 1)); // the group was not added

        Assert.Equal(0, EndTxn(coordinator, pid, epoch, commit: true).ErrorCode);
        Assert.Equal((short)ErrorCode.InvalidTxnState, EndTxn(coordinator, pid, epoch, commit: false).ErrorCode); // the other end
        Assert.Equal(0, EndTxn(coordinator, pid, epoch, commit: true).ErrorCode);                                 // a retry
    }

    [Fact]
    public void T1_an_unknown_transactional_id_or_producer_id_is_INVALID_PRODUCER_ID_MAPPING()
    {
        var coordinator = Coordinator();
        var (_, pid, epoch) = InitProducerId(coordinator);

        Assert.Equal([ErrorCode.InvalidProducerIdMapping], AddPartitions(coordinator, pid + 1, epoch, [0]));
        Assert.Equal(ErrorCode.InvalidProducerIdMapping, AddOffsets(coordinator, pid + 1, epoch));
        Assert.Equal((short)ErrorCode.InvalidProducerIdMapping, EndTxn(coordinator, pid + 1, epoch, commit: true).ErrorCode);
        var groupCoordinator = Connect(Cluster.Coordinator(CoordinatorType.Group, Group));
        Assert.Equal(ErrorCode.InvalidProducerIdMapping, TxnOffsetCommit(groupCoordinator, pid + 1, epoch, 0, 1));

        Cluster.SetCoordinator(CoordinatorType.Transaction, "never", Cluster.Coordinator(CoordinatorType.Transaction, TxId));
        Assert.Equal((short)ErrorCode.InvalidProducerIdMapping, EndTxn(coordinator, pid, epoch, commit: true, transactionalId: "never").ErrorCode);
    }

    [Fact]
    public void T1_an_expired_transactional_id_is_Dead_forgets_its_producer_id_and_starts_afresh()
    {
        var coordinator = Coordinator();
        var (_, pid, epoch) = InitProducerId(coordinator);
        AddPartitions(coordinator, pid, epoch, [0]);
        Assert.False(Cluster.ExpireTransactionalId(TxId)); // a transaction is open
        EndTxn(coordinator, pid, epoch, commit: false);

        Assert.True(Cluster.ExpireTransactionalId(TxId));
        Assert.Equal(ScriptedTransactionState.Dead, Cluster.Transaction(TxId)!.State);
        Assert.Equal([ErrorCode.InvalidProducerIdMapping], AddPartitions(coordinator, pid, epoch, [0]));
        Assert.Equal((ErrorCode.None, pid + 1, (short)0), InitProducerId(coordinator));
        Assert.False(Cluster.ExpireTransactionalId("unknown"));
    }

    [Theory]
    [InlineData(0, ErrorCode.InvalidProducerEpoch)]
    [InlineData(1, ErrorCode.InvalidProducerEpoch)]
    [InlineData(2, ErrorCode.ProducerFenced)]
    [InlineData(3, ErrorCode.ProducerFenced)]
    public void T1_an_older_epoch_is_PRODUCER_FENCED_from_v2_and_INVALID_PRODUCER_EPOCH_before(short version, ErrorCode expected)
    {
        var coordinator = Coordinator();
        var (_, pid, _) = InitProducerId(coordinator);
        InitProducerId(coordinator); // epoch 1

        Assert.Equal([expected], AddPartitions(coordinator, pid, 0, [0], version));
        Assert.Equal(expected, AddOffsets(coordinator, pid, 0, version));
        Assert.Equal((short)expected, EndTxn(coordinator, pid, 0, commit: true, version).ErrorCode);
        Assert.Equal((short)expected, EndTxn(coordinator, pid, 2, commit: true, version).ErrorCode); // a newer one too
    }

    [Fact]
    public void T1_TxnOffsetCommit_at_an_older_epoch_is_INVALID_PRODUCER_EPOCH_and_checks_the_group_metadata_from_v3()
    {
        var coordinator = Coordinator();
        var groupCoordinator = Connect(Cluster.Coordinator(CoordinatorType.Group, Group));
        var (_, pid, epoch) = InitProducerId(coordinator);
        AddOffsets(coordinator, pid, epoch);

        Assert.Equal(ErrorCode.InvalidProducerEpoch, TxnOffsetCommit(groupCoordinator, pid, (short)(epoch + 1), 0, 1));
        Assert.Equal(ErrorCode.UnknownMemberId, TxnOffsetCommit(groupCoordinator, pid, epoch, 0, 1, version: 3, memberId: "m-1"));
        Assert.Equal(ErrorCode.IllegalGeneration, TxnOffsetCommit(groupCoordinator, pid, epoch, 0, 1, version: 3, generation: 4));
        Assert.Equal(ErrorCode.None, TxnOffsetCommit(groupCoordinator, pid, epoch, 0, 1, version: 2));
        Assert.Equal(ErrorCode.UnknownTopicOrPartition, TxnOffsetCommit(groupCoordinator, pid, epoch, 7, 1));
        Assert.Equal(ErrorCode.NotCoordinator, TxnOffsetCommit(Connect(Cluster.Coordinator(CoordinatorType.Group, Group) % 3 + 1), pid, epoch, 0, 1));
    }

    [Fact]
    public void T1_A_broker_that_is_not_the_transaction_coordinator_answers_NOT_COORDINATOR()
    {
        var coordinator = Coordinator();
        var (_, pid, epoch) = InitProducerId(coordinator);
        var elsewhere = Connect(Cluster.Coordinator(CoordinatorType.Transaction, TxId) % 3 + 1);

        Assert.Equal([ErrorCode.NotCoordinator], AddPartitions(elsewhere, pid, epoch, [0]));
        Assert.Equal(ErrorCode.NotCoordinator, AddOffsets(elsewhere, pid, epoch));
        Assert.Equal((short)ErrorCode.NotCoordinator, EndTxn(elsewhere, pid, epoch, commit: true).ErrorCode);
        Assert.Equal(ErrorCode.NotCoordinator, InitProducerId(elsewhere).Error);
    }

    [Fact]
    public void T1_A_transactional_id_the_authorizer_refuses_is_TRANSACTIONAL_ID_AUTHORIZATION_FAILED_everywhere()
    {
        var coordinator = Coordinator();
        var groupCoordinator = Connect(Cluster.Coordinator(CoordinatorType.Group, Group));
        var (_, pid, epoch) = InitProducerId(coordinator);
        Cluster.AuthorizeTransactionalId = id => id != TxId;

        Assert.Equal(ErrorCode.TransactionalIdAuthorizationFailed, InitProducerId(coordinator).Error);
        Assert.Equal([ErrorCode.TransactionalIdAuthorizationFailed, ErrorCode.TransactionalIdAuthorizationFailed], AddPartitions(coordinator, pid, epoch, [0, 9]));
        Assert.Equal(ErrorCode.TransactionalIdAuthorizationFailed, AddOffsets(coordinator, pid, epoch));
        Assert.Equal((short)ErrorCode.TransactionalIdAuthorizationFailed, EndTxn(coordinator, pid, epoch, commit: true).ErrorCode);
        Assert.Equal(ErrorCode.TransactionalIdAuthorizationFailed, TxnOffsetCommit(groupCoordinator, pid, epoch, 0, 1));

        Cluster.AuthorizeTransactionalId = null;
        Assert.Equal([ErrorCode.None], AddPartitions(coordinator, pid, epoch, [0]));
    }

    [Fact]
    public void T1_AddPartitionsToTxn_with_an_unknown_partition_adds_none_and_marks_the_others_OPERATION_NOT_ATTEMPTED()
    {
        var coordinator = Coordinator();
        var (_, pid, epoch) = InitProducerId(coordinator);
        Cluster.SetTopicError("secret", ErrorCode.TopicAuthorizationFailed);

        Assert.Equal([ErrorCode.OperationNotAttempted, ErrorCode.UnknownTopicOrPartition], AddPartitions(coordinator, pid, epoch, [0, 3]));
        Assert.Equal([ErrorCode.TopicAuthorizationFailed], AddPartitions(coordinator, pid, epoch, [0], topic: "secret"));
        Assert.Equal(ScriptedTransactionState.Empty, Cluster.Transaction(TxId)!.State);
        Assert.Equal([ErrorCode.InvalidRequest], AddPartitions(coordinator, pid, epoch, [0], transactionalId: ""));
    }

    [Fact]
    public void T1_A_transaction_timeout_above_the_maximum_is_INVALID_TRANSACTION_TIMEOUT()
    {
        var coordinator = Coordinator();
        Assert.Equal(ErrorCode.InvalidTransactionTimeout, InitProducerId(coordinator, timeoutMs: ScriptedCluster.DefaultTransactionMaxTimeoutMs + 1).Error);
        Assert.Equal(ErrorCode.None, InitProducerId(coordinator, timeoutMs: ScriptedCluster.DefaultTransactionMaxTimeoutMs).Error);
        Assert.Equal(ScriptedCluster.DefaultTransactionMaxTimeoutMs, Cluster.Transaction(TxId)!.TimeoutMs);
    }

    [Fact]
    public void Pushed_errors_answer_the_transaction_requests_and_change_nothing()
    {
        var coordinator = Coordinator();
        var (_, pid, epoch) = InitProducerId(coordinator);
        Cluster.PushRequestErrors(ApiKey.AddPartitionsToTxn, ErrorCode.CoordinatorLoadInProgress);
        Cluster.PushRequestErrors(ApiKey.EndTxn, ErrorCode.ConcurrentTransactions);

        Assert.Equal([ErrorCode.CoordinatorLoadInProgress, ErrorCode.CoordinatorLoadInProgress], AddPartitions(coordinator, pid, epoch, [0, 1]));
        Assert.Equal(ScriptedTransactionState.Empty, Cluster.Transaction(TxId)!.State);
        Assert.Equal([ErrorCode.None], AddPartitions(coordinator, pid, epoch, [0]));
        Assert.Equal((short)ErrorCode.ConcurrentTransactions, EndTxn(coordinator, pid, epoch, commit: true).ErrorCode);
        Assert.Equal(ScriptedTransactionState.Ongoing, Cluster.Transaction(TxId)!.State);
        Assert.Equal(0, EndTxn(coordinator, pid, epoch, commit: true).ErrorCode);
    }
}
