using System.Reactive.Concurrency;
using Microsoft.Reactive.Testing;
using RxKafka.Testing;

namespace RxKafka.Tests.Consumer;

/// <summary>
/// The observable face's delivery loop (<c>KafkaConsumer.Observable.cs</c>), under a scheduler that runs one chosen
/// pass inside the <c>Schedule</c> call that asked for it: the interleaving a real thread pool produces when the
/// thread that scheduled a pass is held up until that pass has run and scheduled the next.
/// </summary>
public sealed class ConsumerObservableLoopTests() : ConsumerTestBed(scheduler: new InlinePassScheduler())
{
    [Fact]
    public void R1_a_pass_that_ran_before_its_Schedule_call_returned_does_not_cancel_the_next_one()
    {
        // Three partitions on three brokers: answers, and chunks, come one after another.
        foreach (var partition in new[] { T0, T1, T2 })
        {
            Append(partition, 0, 10);
        }

        var consumer = Consumer();
        consumer.Assign([T0, T1, T2]);
        var observed = new List<string>();
        using var subscription = consumer.Consume().Subscribe(r => observed.Add($"{r.TopicPartition}@{r.Offset}"));
        Scheduler.AdvanceBy(1);
        Assert.Empty(observed);

        // The pass the first chunk wakes runs inline, delivers that chunk and schedules the next pass before the
        // Schedule call that asked for it returns. Storing that call's handle used to cancel the next pass: the
        // loop stopped at 10 records and every thread went idle (the hang seen in the side-by-side benchmark).
        ((InlinePassScheduler)Scheduler).RunNextPassInline = true;
        Assert.True(Scheduler.AdvanceUntil(() => observed.Count == 30, Scheduler.Clock + TimeSpan.FromSeconds(10).Ticks), $"observed {observed.Count} of 30:\n{consumer.Describe()}");
        Assert.False(((InlinePassScheduler)Scheduler).RunNextPassInline, "no pass ran inline: the test did not test anything");
        Assert.Equal(
            new[] { T0, T1, T2 }.SelectMany(p => Enumerable.Range(0, 10).Select(i => $"{p}@{i}")).Order(StringComparer.Ordinal),
            observed.Order(StringComparer.Ordinal));
    }

    // Runs the next delivery pass (an Action named Pass) inside the Schedule call that asks for it, once armed.
    private sealed class InlinePassScheduler : TestScheduler
    {
        public bool RunNextPassInline { get; set; }

        public override IDisposable ScheduleAbsolute<TState>(TState state, long dueTime, Func<IScheduler, TState, IDisposable> action)
        {
            if (RunNextPassInline && dueTime <= Clock && state is Action { Method.Name: "Pass" })
            {
                RunNextPassInline = false;
                return action(this, state);
            }

            return base.ScheduleAbsolute(state, dueTime, action);
        }
    }
}
