// Virtual time: each task is completed by advancing the TestScheduler and checked with IsCompleted
// before .Result is read, so nothing blocks; cancellation tokens have no role here.
#pragma warning disable xUnit1031, xUnit1051

using System.Reactive.Threading.Tasks;
using RxKafka.Protocol.Messages;
using RxKafka.Testing.Network;

namespace RxKafka.Tests.Testing;

/// <summary>
/// The scripted cluster's transactions in virtual time: the coordinator's states, markers, the last stable
/// offset, the aborted-transaction index, read_committed reads, timeouts, fencing and transactional offsets.
/// </summary>
public sealed class ScriptedClusterTransactionsTests : ScriptedClusterTransactionsTestBed
{
    private static readonly TopicPartition T0 = new("t", 0);
    private static readonly TopicPartition T1 = new("t", 1);

    [Fact]
    public void T1_T2_A_commit_and_an_abort_interleaved_with_plain_writes_leave_markers_the_LSO_and_the_aborted_index()
    {
        var coordinator = Coordinator();
        var (error, pid, epoch) = InitProducerId(coordinator);
        Assert.Equal((ErrorCode.None, ScriptedCluster.FirstProducerId, (short)0), (error, pid, epoch));
        Assert.Equal(ScriptedTransactionState.Empty, Cluster.Transaction(TxId)!.State);

        Assert.Equal([ErrorCode.None, ErrorCode.None], AddPartitions(coordinator, pid, epoch, [0, 1]));
        Assert.Equal((ErrorCode.None, 0L), Produce(0, Batch(pid, epoch, 0, "a1", "a2")));
        Assert.Equal((ErrorCode.None, 2L), Produce(0, Plain("x")));
        Assert.Equal((ErrorCode.None, 0L), Produce(1, Batch(pid, epoch, 0, "b1")));
        var open = Cluster.Transaction(TxId)!;
        Assert.Equal(ScriptedTransactionState.Ongoing, open.State);
        Assert.Equal([T0, T1], open.Partitions);
        Assert.Equal((0L, 3L), (Cluster.LastStableOffset("t", 0), Cluster.LogEndOffset("t", 0)));
        Assert.Equal(0L, Cluster.LastStableOffset("t", 1));

        Assert.Equal(0, EndTxn(coordinator, pid, epoch, commit: true).ErrorCode);
        var committed = Cluster.Transaction(TxId)!;
        Assert.Equal((ScriptedTransactionState.CompleteCommit, 0, (short)0), (committed.State, committed.Partitions.Count, committed.ProducerEpoch));
        Assert.Equal((4L, 4L), (Cluster.LastStableOffset("t", 0), Cluster.LogEndOffset("t", 0)));
        Assert.Equal(2L, Cluster.LastStableOffset("t", 1));
        Assert.Equal(["0:a1", "1:a2", "2:x", "3:COMMIT/0"], Read(Fetch(0, 0, isolation: 0)));
        Assert.Equal(["0:b1", "1:COMMIT/0"], Read(Fetch(1, 0, isolation: 0)));

        // The next transaction, aborted, across partitions 0 and 2; sequences go on at the same epoch.
        Assert.Equal([ErrorCode.None, ErrorCode.None], AddPartitions(coordinator, pid, epoch, [0, 2]));
        Assert.Equal((ErrorCode.None, 4L), Produce(0, Batch(pid, epoch, 2, "a3")));
        Assert.Equal((ErrorCode.None, 0L), Produce(2, Batch(pid, epoch, 0, "c1")));
        Assert.Equal((ErrorCode.None, 5L), Produce(0, Plain("y")));
        Assert.Equal(4L, Cluster.LastStableOffset("t", 0));
        Assert.Equal(0, EndTxn(coordinator, pid, epoch, commit: false).ErrorCode);

        Assert.Equal(ScriptedTransactionState.CompleteAbort, Cluster.Transaction(TxId)!.State);
        Assert.Equal([new ScriptedAbortedTransaction(pid, 4, 6)], Cluster.AbortedTransactions("t", 0));
        Assert.Equal([new ScriptedAbortedTransaction(pid, 0, 1)], Cluster.AbortedTransactions("t", 2));
        Assert.Empty(Cluster.AbortedTransactions("t", 1));
        Assert.Equal((7L, 7L), (Cluster.LastStableOffset("t", 0), Cluster.LogEndOffset("t", 0)));

        // The log a consumer reads holds no control records; the batches show the markers.
        Assert.Equal(["0:a1", "1:a2", "2:x", "4:a3", "5:y"], Cluster.Log("t", 0).Select(r => $"{r.Offset}:{r.ValueString}"));
        var markers = Cluster.Batches("t", 0).Where(b => b.IsControl).ToArray();
        Assert.Equal([(3L, pid, (short)0, true), (6L, pid, (short)0, true)], markers.Select(b => (b.BaseOffset, b.ProducerId, b.ProducerEpoch, b.IsTransactional)));
        Assert.All(Cluster.Batches("t", 0).Where(b => b.ProducerId == pid), b => Assert.True(b.IsTransactional));
    }

    [Fact]
    public void T2_markers_carry_Kafka_control_records_with_the_coordinator_epoch()
    {
        var coordinator = Coordinator();
        var (_, pid, epoch) = InitProducerId(coordinator);
        AddPartitions(coordinator, pid, epoch, [0]);
        Produce(0, Batch(pid, epoch, 0, "a"));
        EndTxn(coordinator, pid, epoch, commit: false);

        using var reader = new RxKafka.Protocol.Records.RecordBatchReader(Fetch(0, 1, isolation: 0).Records!.Value);
        Assert.True(reader.TryReadBatch(out var batch));
        Assert.Equal((true, true, 1L, pid, (short)0, -1, 1), (batch.IsControl, batch.IsTransactional, batch.BaseOffset, batch.ProducerId, batch.ProducerEpoch, batch.BaseSequence, batch.RecordCount));
        foreach (var record in batch)
        {
            Assert.True(RxKafka.Protocol.Records.ControlRecord.TryParse(record, out var control));
            Assert.Equal((RxKafka.Protocol.Records.ControlRecordType.Abort, (short)0, (short)0, ScriptedCluster.TransactionCoordinatorEpoch), (control.Type, control.KeyVersion, control.ValueVersion, control.CoordinatorEpoch));
        }
    }

    [Fact]
    public void T2_the_last_stable_offset_moves_exactly_when_the_markers_land_and_waits_for_the_oldest_open_transaction()
    {
        Cluster.TransactionMarkerDelay = TimeSpan.FromMilliseconds(50);
        var coordinator = Coordinator();
        var (_, pid, epoch) = InitProducerId(coordinator);
        var other = Connect(Cluster.Coordinator(RxKafka.Cluster.CoordinatorType.Transaction, "tx2"));
        var (_, pid2, epoch2) = InitProducerId(other, "tx2");
        AddPartitions(coordinator, pid, epoch, [0]);
        AddPartitions(other, pid2, epoch2, [0], transactionalId: "tx2");
        Produce(0, Batch(pid, epoch, 0, "a"));      // 0
        Produce(0, Batch(pid2, epoch2, 0, "b"));    // 1
        Produce(0, Batch(pid, epoch, 1, "c"));      // 2
        Assert.Equal(0L, Cluster.LastStableOffset("t", 0));

        var due = Scheduler.Clock + TimeSpan.FromMilliseconds(50).Ticks; // the EndTxn is read as it is sent
        Assert.Equal(0, EndTxn(coordinator, pid, epoch, commit: true).ErrorCode);
        Assert.Equal(ScriptedTransactionState.PrepareCommit, Cluster.Transaction(TxId)!.State);

        // While the markers are on their way, the coordinator answers every change CONCURRENT_TRANSACTIONS.
        Assert.Equal((short)ErrorCode.ConcurrentTransactions, EndTxn(coordinator, pid, epoch, commit: true).ErrorCode);
        Assert.Equal((short)ErrorCode.InvalidTxnState, EndTxn(coordinator, pid, epoch, commit: false).ErrorCode);
        Assert.Equal([ErrorCode.ConcurrentTransactions], AddPartitions(coordinator, pid, epoch, [1]));
        Assert.Equal(ErrorCode.ConcurrentTransactions, InitProducerId(coordinator).Error);

        Scheduler.AdvanceTo(due - 1);
        Assert.Equal((0L, 3L), (Cluster.LastStableOffset("t", 0), Cluster.LogEndOffset("t", 0)));
        Scheduler.AdvanceTo(due);
        Assert.Equal(ScriptedTransactionState.CompleteCommit, Cluster.Transaction(TxId)!.State);

        // tx's marker landed at 3, but tx2 opened at 1 and holds the stable offset there.
        Assert.Equal((1L, 4L), (Cluster.LastStableOffset("t", 0), Cluster.LogEndOffset("t", 0)));
        Assert.Equal(0, EndTxn(coordinator, pid, epoch, commit: true).ErrorCode); // a retry of a completed commit
        Assert.Equal(0, EndTxn(other, pid2, epoch2, commit: false, transactionalId: "tx2").ErrorCode);
        Scheduler.AdvanceBy(TimeSpan.FromMilliseconds(50).Ticks);
        Assert.Equal((5L, 5L), (Cluster.LastStableOffset("t", 0), Cluster.LogEndOffset("t", 0)));
        Assert.Equal([new ScriptedAbortedTransaction(pid2, 1, 4)], Cluster.AbortedTransactions("t", 0));
    }

    [Theory]
    [InlineData(4)]
    [InlineData(11)]
    [InlineData(12)]
    [InlineData(17)]
    public void T2_A_read_committed_fetch_stops_at_the_last_stable_offset_and_lists_the_aborted_transactions_it_reaches(short version)
    {
        var coordinator = Coordinator();
        var (_, pid, epoch) = InitProducerId(coordinator);
        Produce(0, Plain("x"));                              // 0
        AddPartitions(coordinator, pid, epoch, [0]);
        Produce(0, Batch(pid, epoch, 0, "a"));               // 1
        EndTxn(coordinator, pid, epoch, commit: false);      // marker 2
        Produce(0, Plain("y"));                              // 3
        AddPartitions(coordinator, pid, epoch, [0]);
        Produce(0, Batch(pid, epoch, 1, "b"));               // 4, open

        var committed = Fetch(0, 0, isolation: 1, version);
        Assert.Equal(["0:x", "1:a", "2:ABORT/0", "3:y"], Read(committed));
        Assert.Equal((5L, 4L), (committed.HighWatermark, committed.LastStableOffset));
        Assert.Equal([(pid, 1L)], Aborted(committed)!);

        var past = Fetch(0, 3, isolation: 1, version);
        Assert.Equal(["3:y"], Read(past));
        Assert.Empty(Aborted(past)!);
        Assert.Empty(Read(Fetch(0, 4, isolation: 1, version))); // at the LSO: nothing stable yet, no error

        var uncommitted = Fetch(0, 0, isolation: 0, version);
        Assert.Equal(["0:x", "1:a", "2:ABORT/0", "3:y", "4:b"], Read(uncommitted));
        Assert.Equal((5L, 4L), (uncommitted.HighWatermark, uncommitted.LastStableOffset));
        Assert.Null(Aborted(uncommitted));

        Assert.Equal((4L, 5L), (ListLatest(0, isolation: 1), ListLatest(0, isolation: 0)));
    }

    [Fact]
    public void T2_a_waiting_read_committed_fetch_is_answered_at_the_tick_the_commit_marker_lands()
    {
        var coordinator = Coordinator();
        var consumer = Leader(0);
        var (_, pid, epoch) = InitProducerId(coordinator);
        AddPartitions(coordinator, pid, epoch, [0]);
        Produce(0, Batch(pid, epoch, 0, "a", "b"));

        var request = new FetchRequest
        {
            MaxWaitMs = 500,
            MinBytes = 1,
            MaxBytes = 1 << 20,
            IsolationLevel = 1,
            SessionEpoch = -1,
            Topics = [new() { Topic = "t", TopicId = Cluster.TopicId("t"), Partitions = [new() { Partition = 0, FetchOffset = 0, PartitionMaxBytes = 1 << 20 }] }],
        };
        var fetch = consumer.Send(request, 12).ToTask();
        Scheduler.AdvanceBy(TimeSpan.FromMilliseconds(100).Ticks);
        Assert.False(fetch.IsCompleted); // the records are there, but not stable

        var endedAt = Scheduler.Clock;
        var end = coordinator.Send(new EndTxnRequest { TransactionalId = TxId, ProducerId = pid, ProducerEpoch = epoch, Committed = true }, 3).ToTask();
        Scheduler.AdvanceBy(1);
        Assert.True(fetch.IsCompletedSuccessfully && end.IsCompletedSuccessfully);
        Assert.Equal(endedAt + 1, Scheduler.Clock);
        var data = Assert.Single(Assert.Single(fetch.Result.Responses).Partitions);
        Assert.Equal(["0:a", "1:b", "2:COMMIT/0"], Read(data));
        Assert.Equal((3L, 3L), (data.LastStableOffset, data.HighWatermark));
    }

    [Fact]
    public void T1_an_open_transaction_is_aborted_when_its_timeout_passes_and_its_producer_is_fenced()
    {
        var coordinator = Coordinator();
        var (_, pid, epoch) = InitProducerId(coordinator, timeoutMs: 10_000);
        AddPartitions(coordinator, pid, epoch, [0]);
        var started = Cluster.Transaction(TxId)!.StartedAt!.Value;
        Produce(0, Batch(pid, epoch, 0, "a"));

        Scheduler.AdvanceTo(started.UtcTicks + TimeSpan.FromSeconds(10).Ticks - 1);
        Assert.Equal(ScriptedTransactionState.Ongoing, Cluster.Transaction(TxId)!.State);
        Scheduler.AdvanceBy(1);
        var aborted = Cluster.Transaction(TxId)!;
        Assert.Equal((ScriptedTransactionState.CompleteAbort, pid, (short)1), (aborted.State, aborted.ProducerId, aborted.ProducerEpoch));
        Assert.Equal(["0:a", "1:ABORT/1"], Read(Fetch(0, 0, isolation: 0)));
        Assert.Equal([new ScriptedAbortedTransaction(pid, 0, 1)], Cluster.AbortedTransactions("t", 0));

        // The old epoch is fenced everywhere: PRODUCER_FENCED from v2, INVALID_PRODUCER_EPOCH before.
        Assert.Equal((short)ErrorCode.ProducerFenced, EndTxn(coordinator, pid, epoch, commit: true).ErrorCode);
        Assert.Equal((short)ErrorCode.InvalidProducerEpoch, EndTxn(coordinator, pid, epoch, commit: true, version: 1).ErrorCode);
        Assert.Equal([ErrorCode.ProducerFenced], AddPartitions(coordinator, pid, epoch, [0]));
        Assert.Equal([ErrorCode.InvalidProducerEpoch], AddPartitions(coordinator, pid, epoch, [0], version: 1));
        Assert.Equal(ErrorCode.InvalidProducerEpoch, Produce(0, Batch(pid, epoch, 1, "late")).Error);
    }

    [Fact]
    public void T1_EndedTransactions_lists_each_end_with_who_ended_it_and_what_it_held()
    {
        var coordinator = Coordinator();
        var (_, pid, epoch) = InitProducerId(coordinator, timeoutMs: 10_000);
        AddPartitions(coordinator, pid, epoch, [0, 1]);
        EndTxn(coordinator, pid, epoch, commit: true);
        AddOffsets(coordinator, pid, epoch);
        EndTxn(coordinator, pid, epoch, commit: false);
        AddPartitions(coordinator, pid, epoch, [2]);
        Scheduler.AdvanceBy(TimeSpan.FromSeconds(11).Ticks);       // the coordinator aborts it and bumps the epoch
        var (_, _, bumped) = InitProducerId(coordinator);          // a new instance: epoch 2
        AddPartitions(coordinator, pid, bumped, [0]);
        InitProducerId(coordinator);                               // another one fences it: aborted at epoch 3

        Assert.Empty(Cluster.EndedTransactions.Where(t => t.TransactionalId != TxId));
        Assert.Equal(
            [
                (ScriptedTransactionEnd.Committed, (short)0, "t-0 t-1", ""),
                (ScriptedTransactionEnd.Aborted, (short)0, "", Group),
                (ScriptedTransactionEnd.AbortedOnTimeout, (short)1, "t-2", ""),
                (ScriptedTransactionEnd.AbortedOnFence, (short)3, "t-0", ""),
            ],
            Cluster.EndedTransactions.Select(t => (t.End, t.ProducerEpoch, string.Join(" ", t.Partitions), string.Join(" ", t.Groups))));
        Assert.Equal([true, false, false, false], Cluster.EndedTransactions.Select(t => t.IsCommitted));
        Assert.All(Cluster.EndedTransactions, t => Assert.Equal(pid, t.ProducerId));
        Assert.Equal(TimeSpan.FromSeconds(10), Cluster.EndedTransactions[2].EndedAt - Cluster.EndedTransactions[2].StartedAt); // at the timeout exactly
    }

    [Fact]
    public void T1_A_completed_transaction_sets_no_timer_and_a_new_one_gets_its_own()
    {
        var coordinator = Coordinator();
        var (_, pid, epoch) = InitProducerId(coordinator, timeoutMs: 10_000);
        AddPartitions(coordinator, pid, epoch, [0]);
        EndTxn(coordinator, pid, epoch, commit: true);
        Scheduler.AdvanceBy(TimeSpan.FromSeconds(5).Ticks);
        AddPartitions(coordinator, pid, epoch, [1]);

        Scheduler.AdvanceBy(TimeSpan.FromSeconds(6).Ticks); // past the first transaction's timeout
        Assert.Equal((ScriptedTransactionState.Ongoing, (short)0), (Cluster.Transaction(TxId)!.State, Cluster.Transaction(TxId)!.ProducerEpoch));
        Scheduler.AdvanceBy(TimeSpan.FromSeconds(4).Ticks);
        Assert.Equal((ScriptedTransactionState.CompleteAbort, (short)1), (Cluster.Transaction(TxId)!.State, Cluster.Transaction(TxId)!.ProducerEpoch));
    }

    [Fact]
    public void T1_A_second_InitProducerId_fences_the_first_producer_and_aborts_its_open_transaction()
    {
        var coordinator = Coordinator();
        var (_, pid, epoch) = InitProducerId(coordinator);
        AddPartitions(coordinator, pid, epoch, [0]);
        Produce(0, Batch(pid, epoch, 0, "zombie"));

        // Kafka aborts first and has the new instance retry until the abort is complete.
        Assert.Equal(ErrorCode.ConcurrentTransactions, InitProducerId(coordinator).Error);
        Assert.Equal((ScriptedTransactionState.CompleteAbort, (short)1), (Cluster.Transaction(TxId)!.State, Cluster.Transaction(TxId)!.ProducerEpoch));
        Assert.Equal((ErrorCode.None, pid, (short)2), InitProducerId(coordinator));
        Assert.Equal(["0:zombie", "1:ABORT/1"], Read(Fetch(0, 0, isolation: 0)));
        Assert.Equal([(pid, 0L)], Aborted(Fetch(0, 0, isolation: 1))!);

        Assert.Equal((short)ErrorCode.ProducerFenced, EndTxn(coordinator, pid, epoch, commit: true).ErrorCode);
        Assert.Equal(ErrorCode.InvalidProducerEpoch, Produce(0, Batch(pid, epoch, 1, "late")).Error);

        // The new instance writes at its epoch from sequence 0.
        Assert.Equal([ErrorCode.None], AddPartitions(coordinator, pid, 2, [0]));
        Assert.Equal((ErrorCode.None, 2L), Produce(0, Batch(pid, 2, 0, "fresh")));
    }

    [Fact]
    public void T1_a_fenced_producer_naming_its_old_producer_id_cannot_abort_the_new_instances_transaction()
    {
        var coordinator = Coordinator();
        var (_, pid, _) = InitProducerId(coordinator);
        Cluster.ExpireTransactionalId(TxId);
        var (_, newPid, newEpoch) = InitProducerId(coordinator); // a new producer id for the id
        AddPartitions(coordinator, newPid, newEpoch, [0]);

        var zombie = Ask(coordinator, new InitProducerIdRequest { TransactionalId = TxId, TransactionTimeoutMs = 60_000, ProducerId = pid, ProducerEpoch = 0 }, 4);
        Assert.Equal(ErrorCode.ProducerFenced, (ErrorCode)zombie.ErrorCode);
        Assert.Equal((ScriptedTransactionState.Ongoing, newPid, newEpoch), (Cluster.Transaction(TxId)!.State, Cluster.Transaction(TxId)!.ProducerId, Cluster.Transaction(TxId)!.ProducerEpoch));
    }

    [Fact]
    public void T1_transactional_offsets_are_pending_until_the_commit_marker_and_dropped_on_abort()
    {
        var coordinator = Coordinator();
        var groupCoordinator = Connect(Cluster.Coordinator(RxKafka.Cluster.CoordinatorType.Group, Group));
        var (_, pid, epoch) = InitProducerId(coordinator);

        Assert.Equal(ErrorCode.None, AddOffsets(coordinator, pid, epoch));
        Assert.Equal([Group], Cluster.Transaction(TxId)!.Groups);
        Assert.Equal(ErrorCode.None, TxnOffsetCommit(groupCoordinator, pid, epoch, partition: 0, offset: 5));
        Assert.Null(Cluster.CommittedOffset(Group, "t", 0));

        // require_stable (v7+) says the offset is not settled yet; without it, there is none.
        OffsetFetchRequest Asking(bool stable) => new() { GroupId = Group, RequireStable = stable, Topics = [new() { Name = "t", PartitionIndexes = [0, 1] }] };
        var unstable = Ask(groupCoordinator, Asking(stable: true), 7).Topics[0].Partitions;
        Assert.Equal([(0, -1L, ErrorCode.UnstableOffsetCommit), (1, -1L, ErrorCode.None)], unstable.Select(p => (p.PartitionIndex, p.CommittedOffset, (ErrorCode)p.ErrorCode)));
        Assert.Equal((-1L, (short)0), (Ask(groupCoordinator, Asking(stable: false), 7).Topics[0].Partitions[0].CommittedOffset, Ask(groupCoordinator, Asking(stable: false), 7).Topics[0].Partitions[0].ErrorCode));
        Assert.Equal(0, EndTxn(coordinator, pid, epoch, commit: true).ErrorCode);
        Assert.Equal((5L, "m"), (Cluster.CommittedOffset(Group, "t", 0)!.Offset, Cluster.CommittedOffset(Group, "t", 0)!.Metadata));
        var fetched = Ask(groupCoordinator, Asking(stable: true), 7);
        Assert.Equal((5L, (short)0), (fetched.Topics[0].Partitions[0].CommittedOffset, fetched.Topics[0].Partitions[0].ErrorCode));

        Assert.Equal(ErrorCode.None, AddOffsets(coordinator, pid, epoch));
        Assert.Equal(ErrorCode.None, TxnOffsetCommit(groupCoordinator, pid, epoch, partition: 0, offset: 9, version: 0));
        Assert.Equal(0, EndTxn(coordinator, pid, epoch, commit: false).ErrorCode);
        Assert.Equal(5L, Cluster.CommittedOffset(Group, "t", 0)!.Offset);
    }

    // KIP-890 part 2
    [Fact]
    public void T1_EndTxn_v5_bumps_the_epoch_writes_the_markers_at_it_and_returns_it()
    {
        var coordinator = Coordinator();
        var (_, pid, epoch) = InitProducerId(coordinator, version: 5);
        AddPartitions(coordinator, pid, epoch, [0]);
        Produce(0, Batch(pid, epoch, 0, "a"));

        var end = EndTxn(coordinator, pid, epoch, commit: true, version: 5);
        Assert.Equal((0, pid, (short)1), (end.ErrorCode, end.ProducerId, end.ProducerEpoch));
        Assert.Equal(["0:a", "1:COMMIT/1"], Read(Fetch(0, 0, isolation: 0)));

        // A retry of that end (its answer lost) gets the bumped epoch again; the other end at the old epoch is fenced.
        var retry = EndTxn(coordinator, pid, epoch, commit: true, version: 5);
        Assert.Equal((0, pid, (short)1), (retry.ErrorCode, retry.ProducerId, retry.ProducerEpoch));
        Assert.Equal((short)ErrorCode.ProducerFenced, EndTxn(coordinator, pid, epoch, commit: false, version: 5).ErrorCode);
        Assert.Equal(2L, Cluster.LogEndOffset("t", 0)); // no second marker

        // The producer goes on at the new epoch from sequence 0; the old epoch is fenced.
        Assert.Equal([ErrorCode.None], AddPartitions(coordinator, pid, 1, [0]));
        Assert.Equal((ErrorCode.None, 2L), Produce(0, Batch(pid, 1, 0, "b")));
        Assert.Equal([ErrorCode.ProducerFenced], AddPartitions(coordinator, pid, epoch, [0]));
    }

    // KIP-890 part 1
    [Fact]
    public void T1_AddPartitionsToTxn_v4_answers_each_transaction_of_a_batch_and_verify_only_adds_nothing()
    {
        var coordinator = Coordinator();
        var (_, pid, epoch) = InitProducerId(coordinator);
        AddPartitions(coordinator, pid, epoch, [0]);
        Cluster.SetCoordinator(RxKafka.Cluster.CoordinatorType.Transaction, "unknown", Cluster.Coordinator(RxKafka.Cluster.CoordinatorType.Transaction, TxId) % 3 + 1);

        var response = Ask(coordinator, new AddPartitionsToTxnRequest
        {
            Transactions =
            [
                new() { TransactionalId = TxId, ProducerId = pid, ProducerEpoch = epoch, VerifyOnly = true, Topics = [new() { Name = "t", Partitions = [0, 1] }] },
                new() { TransactionalId = "unknown", ProducerId = 7, ProducerEpoch = 0, Topics = [new() { Name = "t", Partitions = [2] }] },
            ],
        }, 5);

        Assert.Equal(
            [(TxId, 0, ErrorCode.None), (TxId, 1, ErrorCode.InvalidTxnState), ("unknown", 2, ErrorCode.NotCoordinator)],
            response.ResultsByTransaction.SelectMany(t => t.TopicResults.SelectMany(r => r.ResultsByPartition.Select(p => (t.TransactionalId, p.PartitionIndex, (ErrorCode)p.PartitionErrorCode)))));
        Assert.Equal([T0], Cluster.Transaction(TxId)!.Partitions);
    }
}
