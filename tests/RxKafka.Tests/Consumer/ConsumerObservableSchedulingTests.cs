#pragma warning disable xUnit1031, xUnit1051

using RxKafka.Consumer;
using RxKafka.Testing;

namespace RxKafka.Tests.Consumer;

/// <summary>
/// The observable face's delivery loop against the thread pool's timing (R1): a pass that runs before the call
/// that scheduled it returns must not cancel the pass it schedules in turn, or the loop stops for good with
/// records waiting and the prefetch full (the benchmark's "every thread idle, nothing fetched" hang).
/// </summary>
public sealed class ConsumerObservableSchedulingTests() : ConsumerTestBed(scheduler: new EagerTestScheduler())
{
    private EagerTestScheduler Eager => (EagerTestScheduler)Scheduler;

    [Fact]
    public void R1_a_delivery_pass_that_runs_before_its_schedule_call_returns_does_not_stop_the_loop()
    {
        Produce(T0, 20);
        Produce(T1, 20);
        Produce(T2, 20);
        Eager.RunsEagerly = action => action.Target?.GetType().Name.StartsWith("DeliveryLoop", StringComparison.Ordinal) == true;
        var consumer = Consumer();
        consumer.Assign([new TopicPartitionOffset(T0, 0), new TopicPartitionOffset(T1, 0), new TopicPartitionOffset(T2, 0)]);
        var seen = new List<ConsumeResult<string?, string?>>();
        using var subscription = consumer.Consume().Subscribe(seen.Add);

        Scheduler.AdvanceUntil(() => seen.Count >= 60, Scheduler.Clock + TimeSpan.FromSeconds(5).Ticks);

        // The double did play the timing (a pass ran inside its Schedule call), and every record still arrived, each
        // partition in order.
        Assert.True(Eager.EagerRuns > 0);
        Assert.Equal(60, seen.Count);
        foreach (var partition in new[] { T0, T1, T2 })
        {
            Assert.Equal(Enumerable.Range(0, 20).Select(i => (long)i), seen.Where(r => r.TopicPartition == partition).Select(r => r.Offset));
        }
    }
}
