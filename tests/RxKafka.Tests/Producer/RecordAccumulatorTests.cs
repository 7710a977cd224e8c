using Microsoft.Reactive.Testing;
using RxKafka.Producer;
using RxKafka.Producer.Engine;
using RxKafka.Protocol.Records;
using RxKafka.Testing;

namespace RxKafka.Tests.Producer;

/// <summary>The accumulator in virtual time: when batches become ready (I2: batch.size, linger.ms).</summary>
public sealed class RecordAccumulatorTests : ReactiveTest
{
    private static readonly TopicPartition Orders0 = new("orders", 0);
    private static readonly TopicPartition Orders1 = new("orders", 1);
    private readonly TestScheduler _scheduler = new();
    private readonly List<(long Ticks, TopicPartition Partition)> _ready = new();

    private RecordAccumulator Create(int batchSize = 1000, int lingerMs = 5) =>
        new(new ProducerOptions { BatchSize = batchSize, Linger = TimeSpan.FromMilliseconds(lingerMs) }, _scheduler, (tp, _) => _ready.Add((_scheduler.Clock, tp)));

    private static bool Append(RecordAccumulator accumulator, TopicPartition partition, int valueLength = 10)
    {
        var value = new byte[valueLength];
        return accumulator.Append(partition, 0, default, true, value, false, default, null, ProducerBatch.EstimateSize(0, valueLength, default));
    }

    [Fact]
    public void I2_a_batch_is_ready_exactly_linger_ms_after_its_first_record()
    {
        using var accumulator = Create(lingerMs: 5);
        _scheduler.AdvanceTo(TimeSpan.FromMilliseconds(1));
        Append(accumulator, Orders0);
        _scheduler.AdvanceTo(TimeSpan.FromMilliseconds(3));
        Append(accumulator, Orders0);

        _scheduler.AdvanceTo(TimeSpan.FromMilliseconds(6) - TimeSpan.FromTicks(1));
        Assert.Empty(_ready);
        Assert.Null(accumulator.TakeReady(Orders0, _scheduler.Now));

        _scheduler.AdvanceTo(TimeSpan.FromMilliseconds(6));
        Assert.Equal([(TimeSpan.FromMilliseconds(6).Ticks, Orders0)], _ready);
        using var batch = accumulator.TakeReady(Orders0, _scheduler.Now);
        Assert.Equal(2, batch!.Count);
    }

    [Fact]
    public void I2_a_full_batch_is_ready_at_once_and_the_next_record_opens_another()
    {
        using var accumulator = Create(batchSize: 250, lingerMs: 1000);
        var opened = new List<bool>();
        for (var i = 0; i < 4; i++)
        {
            opened.Add(Append(accumulator, Orders0, valueLength: 50));
        }

        // Two 50-byte records fit in 250 bytes (a 61-byte batch header and about 58 each); the third would not, so it opens a new batch.
        Assert.Equal([true, false, true, false], opened);
        Assert.Equal([(0L, Orders0)], _ready);
        using var first = accumulator.TakeReady(Orders0, _scheduler.Now);
        Assert.Equal(2, first!.Count);
        Assert.Null(accumulator.TakeReady(Orders0, _scheduler.Now)); // the second is neither full nor lingered
    }

    [Fact]
    public void I2_a_record_larger_than_batch_size_gets_a_batch_of_its_own()
    {
        using var accumulator = Create(batchSize: 100, lingerMs: 1000);
        Append(accumulator, Orders0, valueLength: 10);
        Append(accumulator, Orders0, valueLength: 500);

        using var small = accumulator.TakeReady(Orders0, _scheduler.Now);
        using var large = accumulator.TakeReady(Orders0, _scheduler.Now);
        Assert.Equal((1, 1), (small!.Count, large!.Count));
    }

    [Fact]
    public void I2_with_linger_zero_a_new_batch_is_ready_at_once_and_takes_what_arrives_before_it_is_drained()
    {
        using var accumulator = Create(lingerMs: 0);
        Append(accumulator, Orders0);
        Append(accumulator, Orders0);

        Assert.Equal([(0L, Orders0)], _ready);
        using var batch = accumulator.TakeReady(Orders0, _scheduler.Now);
        Assert.Equal(2, batch!.Count);
    }

    [Fact]
    public void Partitions_batch_apart_and_a_flush_makes_every_batch_ready()
    {
        using var accumulator = Create(lingerMs: 1000);
        Append(accumulator, Orders0);
        Append(accumulator, Orders1);
        Assert.Null(accumulator.TakeReady(Orders1, _scheduler.Now));

        accumulator.BeginFlush();

        Assert.Equal([Orders0, Orders1], _ready.Select(r => r.Partition).Order(Comparer<TopicPartition>.Create((a, b) => a.Partition.CompareTo(b.Partition))));
        using var zero = accumulator.TakeReady(Orders0, _scheduler.Now);
        using var one = accumulator.TakeReady(Orders1, _scheduler.Now);
        Assert.Equal((1, 1), (zero!.Count, one!.Count));
        accumulator.EndFlush();
    }

    [Fact]
    public void A_requeued_batch_goes_back_to_the_front_and_waits_out_its_retry_backoff()
    {
        using var accumulator = Create(lingerMs: 0);
        Append(accumulator, Orders0);
        var first = accumulator.TakeReady(Orders0, _scheduler.Now)!;
        Append(accumulator, Orders0);
        first.Attempts = 1;
        first.RetryNotBefore = _scheduler.Now + TimeSpan.FromMilliseconds(100);

        accumulator.Requeue([first]);

        Assert.Null(accumulator.TakeReady(Orders0, _scheduler.Now)); // the retry blocks the partition: order is kept
        _scheduler.AdvanceBy(TimeSpan.FromMilliseconds(100));
        Assert.Same(first, accumulator.TakeReady(Orders0, _scheduler.Now));
        using var second = accumulator.TakeReady(Orders0, _scheduler.Now);
        Assert.NotNull(second);
        first.Dispose();
    }

    [Fact]
    public void A_linger_timer_that_fires_before_the_clock_shows_linger_ms_still_makes_the_batch_ready()
    {
        // A real clock's timer may fire a little before the scheduler's Now shows its due time (the
        // DefaultScheduler does, by up to milliseconds). Nothing looks at the batch again after its
        // linger timer, so the timer itself must make it ready.
        var early = new EarlyTimers(_scheduler);
        using var accumulator = new RecordAccumulator(new ProducerOptions { BatchSize = 1000, Linger = TimeSpan.FromMilliseconds(5) }, early, (tp, _) => _ready.Add((_scheduler.Clock, tp)));
        Append(accumulator, Orders0);

        _scheduler.AdvanceTo(TimeSpan.FromMilliseconds(5) - EarlyTimers.By);

        Assert.Equal([((TimeSpan.FromMilliseconds(5) - EarlyTimers.By).Ticks, Orders0)], _ready);
        using var batch = accumulator.TakeReady(Orders0, _scheduler.Now);
        Assert.NotNull(batch);
    }

    [Fact]
    public void A_retry_backoff_ended_by_its_timer_is_over_whatever_the_clock_says_but_an_older_attempts_timer_is_not()
    {
        using var accumulator = Create(lingerMs: 0);
        Append(accumulator, Orders0);
        var batch = accumulator.TakeReady(Orders0, _scheduler.Now)!;
        batch.Attempts = 2;
        batch.RetryNotBefore = _scheduler.Now + TimeSpan.FromMilliseconds(100);
        accumulator.Requeue([batch]);

        accumulator.EndBackoff(batch, attempts: 1); // a late timer of the first attempt
        Assert.Null(accumulator.TakeReady(Orders0, _scheduler.Now));
        accumulator.EndBackoff(batch, attempts: 2); // this attempt's timer, a little early

        Assert.Same(batch, accumulator.TakeReady(Orders0, _scheduler.Now));
        batch.Dispose();
    }

    [Fact]
    public void A_built_batch_reads_back_with_its_records_and_producer_fields()
    {
        using var accumulator = Create(lingerMs: 0);
        accumulator.Append(Orders0, 1234, "k"u8, false, "v"u8, false, [new RecordHeader("h", [1, 2])], null, 64);
        using var batch = accumulator.TakeReady(Orders0, _scheduler.Now)!;

        var bytes = batch.Build(RxKafka.Protocol.CompressionType.None, null, producerId: 42, producerEpoch: 3, baseSequence: 7);

        using var reader = new RecordBatchReader(bytes);
        Assert.True(reader.TryReadBatch(out var read));
        Assert.Equal((42L, (short)3, 7), (read.ProducerId, read.ProducerEpoch, read.BaseSequence));
        var record = Assert.Single(read);
        Assert.Equal(("k", "v", 1234L), (System.Text.Encoding.UTF8.GetString(record.Key.Span), System.Text.Encoding.UTF8.GetString(record.Value.Span), record.Timestamp));
        Assert.True(bytes.Span.SequenceEqual(batch.Build(RxKafka.Protocol.CompressionType.None, null, 99, 9, 99).Span)); // built once
    }
}

/// <summary>A scheduler on <see cref="TestScheduler"/>'s clock whose timers fire <see cref="By"/> before they are due, as a real clock's may.</summary>
internal sealed class EarlyTimers(TestScheduler inner) : System.Reactive.Concurrency.IScheduler
{
    public static readonly TimeSpan By = TimeSpan.FromTicks(10);

    public DateTimeOffset Now => inner.Now;

    public IDisposable Schedule<TState>(TState state, Func<System.Reactive.Concurrency.IScheduler, TState, IDisposable> action) =>
        inner.Schedule(state, (_, s) => action(this, s));

    public IDisposable Schedule<TState>(TState state, TimeSpan dueTime, Func<System.Reactive.Concurrency.IScheduler, TState, IDisposable> action) =>
        inner.Schedule(state, dueTime > By ? dueTime - By : TimeSpan.Zero, (_, s) => action(this, s));

    public IDisposable Schedule<TState>(TState state, DateTimeOffset dueTime, Func<System.Reactive.Concurrency.IScheduler, TState, IDisposable> action) =>
        inner.Schedule(state, dueTime - By, (_, s) => action(this, s));
}
