#pragma warning disable xUnit1031, xUnit1051

using System.Reactive.Linq;
using RxKafka.Consumer;
using RxKafka.Testing;

namespace RxKafka.Tests.Consumer;

/// <summary>The push faces and the prefetch bound (R1, R2), in virtual time.</summary>
public sealed class ConsumerFacesTests : ConsumerTestBed
{
    [Fact]
    public void R1_the_observable_face_delivers_every_record_in_order_and_a_new_subscription_goes_on_from_the_position()
    {
        Produce(T0, 30);
        var consumer = Consumer();
        consumer.Assign([new TopicPartitionOffset(T0, 0)]);
        var seen = new List<long>();
        var subscription = consumer.Consume().Subscribe(r => seen.Add(r.Offset));
        Scheduler.AdvanceUntil(() => seen.Count >= 10, Scheduler.Clock + TimeSpan.FromSeconds(5).Ticks);
        subscription.Dispose();
        var position = consumer.Position(T0)!.Value;
        Assert.Equal(Enumerable.Range(0, (int)position).Select(i => (long)i), seen);

        var rest = new List<long>();
        using var again = consumer.Consume().Subscribe(r => rest.Add(r.Offset));
        Scheduler.AdvanceUntil(() => rest.Count >= 30 - position, Scheduler.Clock + TimeSpan.FromSeconds(5).Ticks);
        Assert.Equal(Enumerable.Range((int)position, 30 - (int)position).Select(i => (long)i), rest);
    }

    [Fact]
    public void R1_per_partition_groups_deliver_each_partition_in_order_and_complete_when_it_is_revoked()
    {
        Produce(T0, 10);
        Produce(T1, 10);
        Produce(T2, 10);
        var consumer = Consumer();
        consumer.Assign([new TopicPartitionOffset(T0, 0), new TopicPartitionOffset(T1, 0), new TopicPartitionOffset(T2, 0)]);
        var byPartition = new Dictionary<TopicPartition, List<long>>();
        var completed = new List<TopicPartition>();
        using var subscription = consumer.ConsumePartitions().Subscribe(group =>
        {
            var offsets = byPartition[group.Key] = [];
            group.Subscribe(r => offsets.Add(r.Offset), () => completed.Add(group.Key));
        });
        Scheduler.AdvanceUntil(() => byPartition.Values.Sum(v => v.Count) == 30, Scheduler.Clock + TimeSpan.FromSeconds(5).Ticks);

        Assert.Equal([T0, T1, T2], byPartition.Keys.OrderBy(p => p.Partition));
        Assert.All(byPartition.Values, offsets => Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)i), offsets));
        consumer.IncrementalUnassign([T1]);

        // The group's loop completes it in its own next pass, after any OnNext a running pass still makes.
        Scheduler.AdvanceBy(1);
        Assert.Equal([T1], completed);
    }

    [Fact]
    public void Lag_is_reported_from_fetch_answers_and_reaches_zero_when_caught_up()
    {
        Produce(T0, 10);
        var consumer = Consumer(Options with { PrefetchMaxBytes = 1 });
        consumer.Assign([new TopicPartitionOffset(T0, 0)]);
        var lags = new List<PartitionLag>();
        using var subscription = consumer.Lag.Subscribe(lags.Add);
        Scheduler.AdvanceBy(TimeSpan.FromSeconds(1));

        Assert.Equal(new PartitionLag(T0, 0, 10), lags[0]);
        Assert.Equal(10, lags[0].Lag);
        Assert.Equal(10, Read(consumer, 10).Count);
        Scheduler.AdvanceBy(TimeSpan.FromSeconds(1));
        Assert.Equal(0, Assert.Single(consumer.CurrentLag).Lag);
    }

    [Fact]
    public void R2_a_slow_reader_keeps_the_prefetch_under_its_bound_over_a_million_records()
    {
        const int records = 1_000_000;
        const int perBatch = 10_000;
        for (var first = 0; first < records; first += perBatch)
        {
            Append(T0, first, perBatch);
        }

        var options = Options with { PrefetchMaxBytes = 256 * 1024, FetchMaxBytes = 64 * 1024, MaxPartitionFetchBytes = 64 * 1024 };
        var consumer = Consumer(options);
        consumer.Assign([new TopicPartitionOffset(T0, 0)]);
        var enumerator = consumer.ConsumeAsync().GetAsyncEnumerator();
        long maxPrefetched = 0;
        long expected = 0;
        while (expected < records)
        {
            var next = enumerator.MoveNextAsync();
            while (!next.IsCompleted)
            {
                Scheduler.AdvanceBy(1);
            }

            Assert.True(next.Result);
            Assert.Equal(expected++, enumerator.Current.Offset);
            maxPrefetched = Math.Max(maxPrefetched, consumer.PrefetchedBytes);

            // Slow: the reader takes a virtual millisecond every hundred records while the broker answers in a tick.
            if (expected % 100 == 0)
            {
                Scheduler.AdvanceBy(TimeSpan.FromMilliseconds(1));
            }
        }

        // The bound, plus what one fetch in flight may bring back on top of it.
        Assert.InRange(maxPrefetched, 1, options.PrefetchMaxBytes + options.FetchMaxBytes);
        var dispose = enumerator.DisposeAsync().AsTask();
        Assert.True(dispose.IsCompleted);
    }
}
