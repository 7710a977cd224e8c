#pragma warning disable xUnit1031, xUnit1051

using RxKafka.Client;
using RxKafka.Consumer;
using RxKafka.Serialization;
using RxKafka.Testing;
using RxKafka.Tests.Testing;

namespace RxKafka.Tests.Consumer;

/// <summary>
/// Isolation levels against the in-memory cluster's transactions (T2, R4): committed, aborted and open
/// transactions interleaved with plain records across partitions, read under read_committed and read_uncommitted.
/// </summary>
public sealed class ConsumerTransactionsTests : ScriptedClusterTransactionsTestBed
{
    [Fact]
    public void T2_read_committed_skips_aborted_transactions_and_stops_at_the_last_stable_offset_while_read_uncommitted_reads_everything()
    {
        var coordinator = Coordinator();
        var (_, pid, epoch) = InitProducerId(coordinator);

        // p0: a committed pair, a plain record, an aborted pair, a plain record; p1: an aborted record, then an open transaction.
        AddPartitions(coordinator, pid, epoch, [0, 1]);
        Written(Produce(0, Batch(pid, epoch, 0, "c1", "c2")));
        Written(Produce(0, Plain("p1")));
        Written(Produce(1, Batch(pid, epoch, 0, "a0")));
        EndTxn(coordinator, pid, epoch, commit: false);
        Scheduler.AdvanceBy(TimeSpan.FromMilliseconds(10));

        AddPartitions(coordinator, pid, epoch, [0]);
        Written(Produce(0, Batch(pid, epoch, 2, "a1", "a2")));
        Written(Produce(0, Plain("p2")));
        EndTxn(coordinator, pid, epoch, commit: false);
        Scheduler.AdvanceBy(TimeSpan.FromMilliseconds(10));

        AddPartitions(coordinator, pid, epoch, [0]);
        Written(Produce(0, Batch(pid, epoch, 4, "c3")));
        EndTxn(coordinator, pid, epoch, commit: true);
        Scheduler.AdvanceBy(TimeSpan.FromMilliseconds(10));

        AddPartitions(coordinator, pid, epoch, [1]);
        Written(Produce(1, Batch(pid, epoch, 1, "open")));
        Written(Produce(1, Plain("after-open")));

        var committed = Values(ReadAll(IsolationLevel.ReadCommitted, 5));
        var uncommitted = Values(ReadAll(IsolationLevel.ReadUncommitted, 10));

        // The first abort was of a transaction that also wrote c1, c2 to p0 (added, then aborted): Kafka reads them as aborted too.
        Assert.Equal(["t-0:p1", "t-0:p2", "t-0:c3"], committed.Where(v => v.StartsWith("t-0", StringComparison.Ordinal)));
        Assert.Empty(committed.Where(v => v.StartsWith("t-1", StringComparison.Ordinal)));
        Assert.Equal(["t-0:c1", "t-0:c2", "t-0:p1", "t-0:a1", "t-0:a2", "t-0:p2", "t-0:c3"], uncommitted.Where(v => v.StartsWith("t-0", StringComparison.Ordinal)));
        Assert.Equal(["t-1:a0", "t-1:open", "t-1:after-open"], uncommitted.Where(v => v.StartsWith("t-1", StringComparison.Ordinal)));

        // Committing the open transaction releases it and what follows it to read_committed readers.
        EndTxn(coordinator, pid, epoch, commit: true);
        Scheduler.AdvanceBy(TimeSpan.FromMilliseconds(10));
        Assert.Equal(["t-1:open", "t-1:after-open"], Values(ReadAll(IsolationLevel.ReadCommitted, 5)).Where(v => v.StartsWith("t-1", StringComparison.Ordinal)));
    }

    [Fact]
    public void T2_the_raw_face_skips_aborted_transactions_and_control_batches_as_the_record_face_does()
    {
        var coordinator = Coordinator();
        var (_, pid, epoch) = InitProducerId(coordinator);
        AddPartitions(coordinator, pid, epoch, [0]);
        Written(Produce(0, Batch(pid, epoch, 0, "a1", "a2")));
        Written(Produce(0, Plain("p1")));
        EndTxn(coordinator, pid, epoch, commit: false);
        Scheduler.AdvanceBy(TimeSpan.FromMilliseconds(10));
        AddPartitions(coordinator, pid, epoch, [0]);
        Written(Produce(0, Batch(pid, epoch, 2, "c1")));
        EndTxn(coordinator, pid, epoch, commit: true);
        Scheduler.AdvanceBy(TimeSpan.FromMilliseconds(10));
        Written(Produce(0, Plain("p2")));

        // Offsets: a1 0, a2 1, p1 2, abort marker 3, c1 4, commit marker 5, p2 6. No marker reaches either face.
        Assert.Equal(["t-0@2:p1", "t-0@4:c1", "t-0@6:p2"], ReadAll(IsolationLevel.ReadCommitted, 3, raw: true));
        Assert.Equal(["t-0@0:a1", "t-0@1:a2", "t-0@2:p1", "t-0@4:c1", "t-0@6:p2"], ReadAll(IsolationLevel.ReadUncommitted, 5, raw: true));
        Assert.Equal(["t-0:p1", "t-0:c1", "t-0:p2"], Values(ReadAll(IsolationLevel.ReadCommitted, 3)));
    }

    [Fact]
    public void T2_T3_an_aborted_transaction_that_wrote_nothing_to_a_partition_does_not_hide_its_producers_later_committed_records_there()
    {
        var coordinator = Coordinator();
        var (_, pid, epoch) = InitProducerId(coordinator);
        Written(Produce(0, Plain("p1")));

        // p0 added, nothing written to it (a pipeline's records that never reached a leader that was down), aborted:
        // the index lists it from its marker's offset, as Kafka's does.
        AddPartitions(coordinator, pid, epoch, [0]);
        EndTxn(coordinator, pid, epoch, commit: false);
        Scheduler.AdvanceBy(TimeSpan.FromMilliseconds(10));
        Assert.Equal([new RxKafka.Testing.Network.ScriptedAbortedTransaction(pid, 1, 1)], Cluster.AbortedTransactions("t", 0));

        AddPartitions(coordinator, pid, epoch, [0]);
        Written(Produce(0, Batch(pid, epoch, 0, "c1", "c2")));
        EndTxn(coordinator, pid, epoch, commit: true);
        Scheduler.AdvanceBy(TimeSpan.FromMilliseconds(10));

        // The reader took the abort marker before taking the aborted transaction it ends, then the aborted
        // transaction (at the marker's offset) for the committed batch that follows: every later batch of the
        // producer on the partition was read as aborted.
        Assert.Equal(["t-0:p1", "t-0:c1", "t-0:c2"], Values(ReadAll(IsolationLevel.ReadCommitted, 3)));
        Assert.Equal(["t-0@0:p1", "t-0@2:c1", "t-0@3:c2"], ReadAll(IsolationLevel.ReadCommitted, 3, raw: true));
    }

    private static void Written((ErrorCode Error, long BaseOffset) produced) => Assert.Equal(ErrorCode.None, produced.Error);

    private static List<string> Values(List<ConsumeResult<string?, string?>> read) => read.Select(r => $"{r.TopicPartition}:{r.Value}").ToList();

    // Reads what the partitions hold for the isolation level: until `expected` records came or nothing more arrives.
    private List<ConsumeResult<string?, string?>> ReadAll(IsolationLevel isolation, int expected)
    {
        var read = new List<ConsumeResult<string?, string?>>();
        ReadAll(isolation, expected, (consumer, stop) => Collect(consumer, stop, read), () => read.Count);
        return read;
    }

    // The same through the raw face: "partition@offset:value" of each record.
    private List<string> ReadAll(IsolationLevel isolation, int expected, bool raw)
    {
        Assert.True(raw);
        var read = new List<string>();
        ReadAll(isolation, expected, (consumer, stop) => CollectRaw(consumer, stop, read), () => read.Count);
        return read;
    }

    private static async Task Collect(KafkaConsumer<string?, string?> consumer, CancellationToken stop, List<ConsumeResult<string?, string?>> read)
    {
        try
        {
            await foreach (var record in consumer.ConsumeAsync(stop))
            {
                read.Add(record);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static async Task CollectRaw(KafkaConsumer<string?, string?> consumer, CancellationToken stop, List<string> read)
    {
        try
        {
            await foreach (var batch in consumer.ConsumeRawAsync(stop))
            {
                foreach (var record in batch)
                {
                    read.Add($"{record.TopicPartition}@{record.Offset}:{System.Text.Encoding.UTF8.GetString(record.Value)}");
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void ReadAll(IsolationLevel isolation, int expected, Func<KafkaConsumer<string?, string?>, CancellationToken, Task> collect, Func<int> count)
    {
        var options = new ConsumerOptions
        {
            Client = new KafkaClientOptions
            {
                BootstrapServers = RxKafka.BootstrapServers.Parse(Cluster.BootstrapServers),
                TransportFactory = Cluster,
                Scheduler = Scheduler,
                BackoffJitter = 0,
                Random = new Random(5),
            },
            IsolationLevel = isolation,
            FetchMaxWait = TimeSpan.FromMilliseconds(100),
        };
        var consumer = new KafkaConsumer<string?, string?>(options, Deserializers.Utf8, Deserializers.Utf8);
        consumer.Assign([new TopicPartitionOffset("t", 0, 0), new TopicPartitionOffset("t", 1, 0)]);
        using var stop = new CancellationTokenSource();
        var task = collect(consumer, stop.Token);
        Scheduler.AdvanceUntil(() => count() >= expected, Scheduler.Clock + TimeSpan.FromSeconds(3).Ticks);
        stop.Cancel();
        Scheduler.AdvanceBy(TimeSpan.FromMilliseconds(1));
        Assert.True(task.Wait(TimeSpan.FromSeconds(10)), "the enumeration did not end when cancelled");
        var dispose = consumer.DisposeAsync().AsTask();
        Assert.True(Scheduler.AdvanceUntilCompleted(dispose, TimeSpan.FromSeconds(5)));
    }
}
