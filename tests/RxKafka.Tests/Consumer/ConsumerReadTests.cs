#pragma warning disable xUnit1031, xUnit1051

using System.Text;
using RxKafka.Consumer;
using RxKafka.Protocol.Messages;
using RxKafka.Serialization;
using RxKafka.Testing;

namespace RxKafka.Tests.Consumer;

/// <summary>Reading assigned partitions through the pull face: order, contents, positions (R1, R3), in virtual time.</summary>
public sealed class ConsumerReadTests : ConsumerTestBed
{
    [Fact]
    public void R1_reads_every_record_of_assigned_partitions_in_offset_order_with_keys_values_headers_and_timestamps()
    {
        Produce(T0, 50, headers: new Headers { { "h", [1, 2] }, { "n", null } });
        Produce(T1, 30);
        var consumer = Consumer();
        consumer.Assign([new TopicPartitionOffset(T0, 0), new TopicPartitionOffset(T1, 0)]);

        var read = Read(consumer, 80);

        Assert.Equal(Enumerable.Range(0, 50).Select(i => $"t-0@{i}:k{i}=v{i}"), read.Where(r => r.Partition == 0).Select(Value));
        Assert.Equal(Enumerable.Range(0, 30).Select(i => $"t-1@{i}:k{i}=v{i}"), read.Where(r => r.Partition == 1).Select(Value));
        var first = read.First(r => r.Partition == 0);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(Time0), first.Timestamp);
        Assert.Equal(["h", "n"], first.Headers.Select(h => h.Key));
        Assert.Equal([1, 2], first.Headers[0].Value);
        Assert.Null(first.Headers[1].Value);
        Assert.Empty(read.First(r => r.Partition == 1).Headers);
        Assert.Equal(50, consumer.Position(T0));
        Assert.Equal(30, consumer.Position(T1));
    }

    [Fact]
    public void R3_an_assignment_without_offsets_starts_where_auto_offset_reset_says()
    {
        Produce(T0, 10);
        var earliest = Consumer(Options with { AutoOffsetReset = AutoOffsetReset.Earliest });
        earliest.Assign([T0]);
        var latest = Consumer(Options with { AutoOffsetReset = AutoOffsetReset.Latest });
        latest.Assign([T0]);
        Scheduler.AdvanceBy(TimeSpan.FromSeconds(1));
        Assert.Equal(10, latest.Position(T0));

        Produce(T0, 5, first: 10);

        Assert.Equal(Enumerable.Range(0, 15), Read(earliest, 15).Select(r => (int)r.Offset));
        Assert.Equal(Enumerable.Range(10, 5), Read(latest, 5).Select(r => (int)r.Offset));
    }

    [Fact]
    public void R3_seek_moves_the_position_and_drops_what_was_fetched_beyond_it()
    {
        Produce(T0, 20);
        var consumer = Consumer();
        consumer.Assign([new TopicPartitionOffset(T0, 0)]);
        Assert.Equal(Enumerable.Range(0, 5), Read(consumer, 5).Select(r => (int)r.Offset));

        consumer.Seek(new TopicPartitionOffset(T0, 15));
        Assert.Equal(Enumerable.Range(15, 5), Read(consumer, 5).Select(r => (int)r.Offset));

        consumer.SeekToBeginning([T0]);
        Assert.Equal(Enumerable.Range(0, 3), Read(consumer, 3).Select(r => (int)r.Offset));

        consumer.SeekToEnd([T0]);
        Scheduler.AdvanceBy(TimeSpan.FromSeconds(1));
        Assert.Equal(20, consumer.Position(T0));
    }

    [Fact]
    public void R3_seek_by_timestamp_starts_at_the_first_record_at_or_after_the_time_and_at_the_end_past_the_last()
    {
        Produce(T0, 10); // CreateTime Time0 + i s
        var consumer = Consumer();
        consumer.Assign([new TopicPartitionOffset(T0, 0)]);

        var seek = consumer.SeekAsync([T0], DateTimeOffset.FromUnixTimeMilliseconds(Time0 + 6500));
        Assert.True(Scheduler.AdvanceUntilCompleted(seek, TimeSpan.FromSeconds(5)));
        Assert.True(seek.IsCompletedSuccessfully, seek.Exception?.ToString());
        Assert.Equal([7, 8, 9], Read(consumer, 3).Select(r => (int)r.Offset));

        var past = consumer.SeekAsync([T0], DateTimeOffset.FromUnixTimeMilliseconds(Time0 + 60_000));
        Assert.True(Scheduler.AdvanceUntilCompleted(past, TimeSpan.FromSeconds(5)));
        Scheduler.AdvanceBy(TimeSpan.FromSeconds(1));
        Assert.Equal(10, consumer.Position(T0));
    }

    [Fact]
    public void R3_a_paused_partition_is_neither_fetched_nor_delivered_until_resumed()
    {
        Produce(T0, 5);
        Produce(T1, 5);
        var consumer = Consumer();
        consumer.Assign([new TopicPartitionOffset(T0, 0), new TopicPartitionOffset(T1, 0)]);
        consumer.Pause([T1]);
        Assert.Equal([T1], consumer.Paused);

        Assert.All(Read(consumer, 5), r => Assert.Equal(0, r.Partition));
        Produce(T1, 5, first: 5);
        var since = Scheduler.Elapsed();
        Scheduler.AdvanceBy(TimeSpan.FromSeconds(2));
        Assert.DoesNotContain(FetchRequests.Where(f => f.At > since), f => f.Request.Topics.Any(t => t.Partitions.Any(p => p.Partition == 1)));

        consumer.Resume([T1]);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"t-1@{i}:k{i}=v{i}"), Read(consumer, 10).Select(Value));
    }

    [Fact]
    public void R3_a_pause_stops_delivery_at_the_next_record_even_within_a_batch_and_resume_goes_on_from_there()
    {
        Append(T0, 0, 100); // one batch: a face reading it holds all of it
        var consumer = Consumer();
        consumer.Assign([new TopicPartitionOffset(T0, 0)]);
        var records = consumer.ConsumeAsync().GetAsyncEnumerator();
        for (var i = 0; i < 10; i++)
        {
            var moved = records.MoveNextAsync().AsTask();
            Assert.True(Scheduler.AdvanceUntilCompleted(moved, TimeSpan.FromSeconds(5)) && moved.Result);
        }

        consumer.Pause([T0]);
        var next = records.MoveNextAsync().AsTask();
        Scheduler.AdvanceBy(TimeSpan.FromSeconds(5));
        Assert.False(next.IsCompleted, $"record {(next.IsCompletedSuccessfully ? records.Current.Offset : -1)} was delivered while paused");

        consumer.Resume([T0]);
        Assert.True(Scheduler.AdvanceUntilCompleted(next, TimeSpan.FromSeconds(5)) && next.Result);
        Assert.Equal(10, records.Current.Offset);
        var disposed = records.DisposeAsync().AsTask();
        Assert.True(Scheduler.AdvanceUntilCompleted(disposed, TimeSpan.FromSeconds(5)));
        Assert.Equal(Enumerable.Range(11, 89).Select(i => (long)i), Read(consumer, 89).Select(r => r.Offset));
    }

    [Fact]
    public void R1_partition_eof_is_announced_once_per_end_reached()
    {
        Produce(T0, 3);
        var consumer = Consumer(Options with { EnablePartitionEof = true });
        consumer.Assign([new TopicPartitionOffset(T0, 0)]);

        var read = Read(consumer, 4);
        Assert.Equal(["t-0@0", "t-0@1", "t-0@2", "t-0 end at 3"], read.Select(r => r.ToString()));
        Assert.True(read[3].IsPartitionEof);

        Produce(T0, 2, first: 3);
        Assert.Equal(["t-0@3", "t-0@4", "t-0 end at 5"], Read(consumer, 3).Select(r => r.ToString()));
    }

    [Fact]
    public void Batches_hold_one_partitions_records_in_order_at_most_the_size_asked()
    {
        Produce(T0, 25);
        var consumer = Consumer();
        consumer.Assign([new TopicPartitionOffset(T0, 0)]);
        var batches = new List<IReadOnlyList<ConsumeResult<string?, string?>>>();
        var task = ReadBatches();
        async Task ReadBatches()
        {
            await foreach (var batch in consumer.ConsumeBatchesAsync(maxBatchSize: 10))
            {
                batches.Add(batch);
                if (batches.Sum(b => b.Count) == 25)
                {
                    break;
                }
            }
        }

        Assert.True(Scheduler.AdvanceUntilCompleted(task, TimeSpan.FromSeconds(10)), consumer.Describe());
        Assert.All(batches, b => Assert.InRange(b.Count, 1, 10));
        Assert.Equal(Enumerable.Range(0, 25), batches.SelectMany(b => b).Select(r => (int)r.Offset));
    }

    [Fact]
    public void One_face_reads_at_a_time()
    {
        var consumer = Consumer();
        consumer.Assign([new TopicPartitionOffset(T0, 0)]);
        using var subscription = consumer.Consume().Subscribe(_ => { });
        var second = Assert.Throws<InvalidOperationException>(() => consumer.Consume().Subscribe(_ => { }));
        Assert.Contains("one face reads at a time", second.Message);
    }
}
