#pragma warning disable xUnit1031

using RxKafka.Consumer;
using RxKafka.Producer;
using RxKafka.Serialization;
using RxKafka.Transactions;

namespace RxKafka.Tests.Transactions;

/// <summary>
/// Exactly-once consume → transform → produce (<c>TransformExactlyOnce</c>, T3) in virtual time: topic "t" copied
/// to "b", then "b" audited as a read_committed reader sees it.
/// </summary>
public sealed class ExactlyOnceTests(ITestOutputHelper output) : ExactlyOnceTestBed
{
    [Fact]
    public void T3_every_input_record_is_in_the_output_exactly_once_and_in_order_per_partition()
    {
        const int perPartition = 3_334; // 10,002 records
        WriteInput(perPartition);
        var member = Member("m1");

        RunToTheEnd(perPartition, TimeSpan.FromMinutes(2), member);

        var audit = Audit(perPartition);
        output.WriteLine($"{audit}; {member.Batches.Count} transactions");
        Assert.Equal((0, 0, 0, perPartition * Partitions), audit);
        Assert.Equal(perPartition * Partitions, member.Batches.Sum(b => b.Inputs));
        Assert.All(member.Batches, b => Assert.InRange(b.Inputs, 1, 200));
    }

    [Fact]
    public void T3_a_transform_that_fails_mid_way_is_aborted_and_retried_and_the_output_still_holds_each_input_once()
    {
        const int perPartition = 1_000;
        WriteInput(perPartition);
        var failed = 0;
        var member = Member("m1", input =>
        {
            // Once, half way through partition 1: the batch holding it is aborted and read again.
            if (input.Partition == 1 && input.Value == "v500" && Interlocked.Exchange(ref failed, 1) == 0)
            {
                throw new InvalidDataException("transform failed on v500");
            }

            return Copy(input);
        });

        RunToTheEnd(perPartition, TimeSpan.FromMinutes(1), member);

        var audit = Audit(perPartition);
        output.WriteLine($"{audit}; aborted records in b: {AbortedRecords()}");
        Assert.Equal(1, failed);
        Assert.Equal((0, 0, 0, perPartition * Partitions), audit);
        Assert.Contains(member.Batches, b => b.Attempt == 2);
    }

    [Fact]
    public void T3_a_transform_that_keeps_failing_fails_the_pipeline_after_max_attempts_with_nothing_of_the_batch_committed()
    {
        const int perPartition = 500;
        WriteInput(perPartition);
        var calls = 0;
        var member = Member(
            "m1",
            input => input.Partition == 0 && input.Value == "v300" && Interlocked.Increment(ref calls) > 0 ? throw new InvalidDataException("v300 cannot be transformed") : Copy(input),
            new ExactlyOnceOptions { MaxBatchSize = 100, MaxAttempts = 3 });

        Assert.True(AsyncPump.Until(Scheduler, () => member.Error is not null, TimeSpan.FromMinutes(1)), $"the pipeline did not fail; committed [{string.Join(", ", Committed())}]");

        Assert.IsType<InvalidDataException>(member.Error);
        // Three attempts at least; a fourth was seen when the group's first rebalance aborted one (not counted).
        Assert.InRange(calls, 3, 4);
        var p0 = ReadCommittedLog.Values(Cluster, "b", 0);
        Assert.DoesNotContain("v300", p0);
        Assert.Equal(Committed()[0], p0.Count);
        Assert.Equal(Enumerable.Range(0, p0.Count).Select(i => $"v{i}"), p0);
    }

    [Fact]
    public void T3_a_second_member_joining_mid_stream_loses_nothing_and_duplicates_nothing()
    {
        const int perPartition = 3_334;
        WriteInput(perPartition);
        var first = Member("m1", slow: true);
        Assert.True(AsyncPump.Until(Scheduler, () => first.Batches.Sum(b => b.Inputs) >= 3_000, TimeSpan.FromMinutes(1)), "the first member made no progress");

        var second = Member("m2", slow: true);
        RunToTheEnd(perPartition, TimeSpan.FromMinutes(2), first, second);

        var audit = Audit(perPartition);
        output.WriteLine($"{audit}; m1 {first.Batches.Sum(b => b.Inputs)} inputs in {first.Batches.Count} transactions, m2 {second.Batches.Sum(b => b.Inputs)} in {second.Batches.Count}; aborted records {AbortedRecords()}");
        Assert.Equal((0, 0, 0, perPartition * Partitions), audit);
        Assert.NotEmpty(second.Batches);
    }

    [Fact]
    public void T3_a_member_killed_mid_stream_and_restarted_loses_nothing_and_duplicates_nothing()
    {
        const int perPartition = 3_334;
        WriteInput(perPartition);
        var victim = Member("m1", slow: true);
        Assert.True(AsyncPump.Until(Scheduler, () => victim.Batches.Sum(b => b.Inputs) >= 4_000, TimeSpan.FromMinutes(1)), "no progress before the kill");

        // Killed, not closed: its requests go unanswered from now on; its open transaction is left to the coordinator.
        Cluster.Handler = (_, request) => request.Header.ClientId == "m1" ? RxKafka.Testing.Network.BrokerReply.Silence : null;
        victim.Subscription!.Dispose();

        // The restarted process: same transactional id (fences the old producer and aborts what it left open), new consumer.
        var restarted = Member("m1-restarted", transactionalId: "eos-m1");
        RunToTheEnd(perPartition, TimeSpan.FromMinutes(3), restarted);
        Cluster.Handler = null;

        var audit = Audit(perPartition);
        output.WriteLine($"{audit}; before the kill {victim.Batches.Sum(b => b.Inputs)} inputs, after {restarted.Batches.Sum(b => b.Inputs)}; aborted records {AbortedRecords()}");
        Assert.Equal((0, 0, 0, perPartition * Partitions), audit);
        Assert.NotEmpty(restarted.Batches);
    }

    [Fact]
    public void T3_the_group_and_transaction_coordinators_moved_mid_stream_are_found_again_and_the_output_holds_each_input_once()
    {
        const int perPartition = 3_334;
        WriteInput(perPartition);
        Cluster.SetCoordinator(RxKafka.Cluster.CoordinatorType.Transaction, "eos-m1", 1);
        Cluster.SetCoordinator(RxKafka.Cluster.CoordinatorType.Group, Group, 1);
        var member = Member("m1", slow: true);
        Assert.True(AsyncPump.Until(Scheduler, () => member.Batches.Sum(b => b.Inputs) >= 3_000, TimeSpan.FromMinutes(1)), "no progress before the move");

        Cluster.SetCoordinator(RxKafka.Cluster.CoordinatorType.Transaction, "eos-m1", 3);
        Cluster.MoveGroupCoordinator(Group, 2);
        RunToTheEnd(perPartition, TimeSpan.FromMinutes(2), member);

        var audit = Audit(perPartition);
        output.WriteLine($"{audit}; {member.Batches.Count} transactions, aborted records {AbortedRecords()}");
        Assert.Equal((0, 0, 0, perPartition * Partitions), audit);
    }

    [Fact]
    public void T3_a_consumer_or_producer_that_cannot_give_exactly_once_is_refused_naming_the_setting()
    {
        var producer = Own(new KafkaProducer<string?, string?>(EosProducerOptions("p"), Serializers.Utf8, Serializers.Utf8));
        var autoCommit = Consumer(EosConsumerOptions("c1") with { EnableAutoCommit = true });
        var uncommitted = Consumer(EosConsumerOptions("c2") with { IsolationLevel = IsolationLevel.ReadUncommitted });
        var plain = Own(new KafkaProducer<string?, string?>(EosProducerOptions("p2") with { TransactionalId = null }, Serializers.Utf8, Serializers.Utf8));

        Assert.Contains("enable.auto.commit", Assert.Throws<ArgumentException>(() => autoCommit.TransformExactlyOnce(producer, Copy)).Message);
        Assert.Contains("read_uncommitted", Assert.Throws<ArgumentException>(() => uncommitted.TransformExactlyOnce(producer, Copy)).Message);
        Assert.Contains("transactional.id", Assert.Throws<ArgumentException>(() => Consumer(EosConsumerOptions("c3")).TransformExactlyOnce(plain, Copy)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Consumer(EosConsumerOptions("c4")).TransformExactlyOnce(producer, Copy, new ExactlyOnceOptions { MaxBatchSize = 0 }));
    }
}
