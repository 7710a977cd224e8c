#pragma warning disable xUnit1031, xUnit1051

using System.Runtime.CompilerServices;
using RxKafka.Consumer;
using RxKafka.Testing;

namespace RxKafka.Tests.Consumer;

/// <summary>
/// The records face's enumerator (<see cref="KafkaConsumer{TKey, TValue}.ConsumeAsync"/>, written by hand): how an
/// enumeration ends (a token, a failure, an early dispose) and where it leaves the position and the consumer.
/// </summary>
public sealed class ConsumerRecordEnumeratorTests : ConsumerTestBed
{
    [Theory]
    [InlineData("method")]
    [InlineData("enumerator")]
    [InlineData("both, the method's cancelled")]
    [InlineData("both, the enumerator's cancelled")]
    public void R1_either_token_ends_a_waiting_enumeration_and_the_next_one_goes_on_from_the_position(string tokens)
    {
        Produce(T0, 4);
        var consumer = Consumer();
        consumer.Assign([new TopicPartitionOffset(T0, 0)]);
        using var method = new CancellationTokenSource();
        using var enumerator = new CancellationTokenSource();
        var records = consumer.ConsumeAsync(tokens == "enumerator" ? default : method.Token)
            .WithCancellation(tokens == "method" ? default : enumerator.Token);

        var read = new List<long>();
        var task = Collect(records, read);
        Assert.True(Scheduler.AdvanceUntil(() => read.Count == 4, Scheduler.Clock + TimeSpan.FromSeconds(10).Ticks), $"read {read.Count}");
        Scheduler.AdvanceBy(TimeSpan.FromSeconds(1).Ticks);
        Assert.False(task.IsCompleted, "the enumeration should wait for more records");

        (tokens.Contains("enumerator", StringComparison.Ordinal) ? enumerator : method).Cancel();
        Assert.True(Scheduler.AdvanceUntilCompleted(task, TimeSpan.FromSeconds(1)));
        Assert.True(task.IsCanceled, $"the enumeration ended {task.Status}");
        Assert.Equal([0, 1, 2, 3], read);

        // The face is free again, and the position is past what was read.
        Produce(T0, 2, first: 4);
        Assert.Equal([4, 5], Read(consumer, 2).Select(r => r.Offset));
    }

    [Fact]
    public void R1_a_failing_record_ends_the_enumeration_at_its_offset_and_frees_the_consumer_for_another_face()
    {
        Produce(T0, 6);
        var consumer = Consumer(values: new FailingDeserializer("v3"));
        consumer.Assign([new TopicPartitionOffset(T0, 0)]);
        var records = consumer.ConsumeAsync().GetAsyncEnumerator();
        for (var i = 0; i < 3; i++)
        {
            Assert.True(Next(records));
            Assert.Equal(i, records.Current.Offset);
        }

        var failure = Assert.Throws<ConsumeException>(() => Next(records));
        Assert.Equal(new TopicPartitionOffset(T0, 3), failure.Position);
        Assert.False(Next(records), "an enumeration that failed has ended");
        Assert.Equal(3, consumer.Position(T0));

        var observed = new List<long>();
        consumer.Seek(new TopicPartitionOffset(T0, 4));
        using var subscription = consumer.Consume().Subscribe(r => observed.Add(r.Offset));
        Assert.True(Scheduler.AdvanceUntil(() => observed.Count == 2, Scheduler.Clock + TimeSpan.FromSeconds(10).Ticks), $"observed {observed.Count}");
        Assert.Equal([4, 5], observed);
    }

    [Fact]
    public void R1_a_dispose_in_the_middle_of_a_chunk_leaves_the_position_at_the_first_record_not_handed_over()
    {
        Produce(T0, 10);
        var consumer = Consumer();
        consumer.Assign([new TopicPartitionOffset(T0, 0)]);
        var records = consumer.ConsumeAsync();
        var first = records.GetAsyncEnumerator();
        for (var i = 0; i < 3; i++)
        {
            Assert.True(Next(first));
        }

        Assert.True(first.DisposeAsync().IsCompletedSuccessfully);
        Assert.Equal(3, consumer.Position(T0));
        Assert.False(Next(first), "a disposed enumeration has ended");

        // The same enumerable enumerates again, from the position.
        Assert.Equal(Enumerable.Range(3, 7).Select(i => (long)i), Read(consumer, 7).Select(r => r.Offset));
    }

    [Fact]
    public void R1_the_end_of_a_partition_is_handed_over_between_its_records_and_the_next_ones()
    {
        Produce(T0, 2);
        var consumer = Consumer(Options with { EnablePartitionEof = true });
        consumer.Assign([new TopicPartitionOffset(T0, 0)]);
        var records = consumer.ConsumeAsync().GetAsyncEnumerator();
        Assert.True(Next(records));
        Assert.True(Next(records));
        Assert.True(Next(records));
        Assert.True(records.Current.IsPartitionEof);
        Assert.Equal(2, records.Current.Offset);

        Produce(T0, 1, first: 2);
        Assert.True(Next(records));
        Assert.Equal((false, 2L), (records.Current.IsPartitionEof, records.Current.Offset));
        Assert.True(records.DisposeAsync().IsCompletedSuccessfully);
    }

    // One MoveNextAsync, the clock advanced until it completes; its exception is thrown.
    private bool Next(IAsyncEnumerator<ConsumeResult<string?, string?>> records)
    {
        var next = records.MoveNextAsync().AsTask();
        Assert.True(Scheduler.AdvanceUntilCompleted(next, TimeSpan.FromSeconds(10)), "no record in time");
        return next.IsFaulted ? throw next.Exception!.InnerException! : next.Result;
    }

    private static async Task Collect(ConfiguredCancelableAsyncEnumerable<ConsumeResult<string?, string?>> records, List<long> into)
    {
        await foreach (var record in records)
        {
            into.Add(record.Offset);
        }
    }
}
