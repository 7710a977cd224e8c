using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using Microsoft.Reactive.Testing;
using RxKafka.Testing;
using Xunit;

namespace RxKafka.Tests.Testing;

/// <summary>Time-based System.Reactive operators driven by the TestScheduler land on exact ticks.</summary>
public sealed class VirtualTimeOperatorsTests : ReactiveTest
{
    [Fact]
    public void Timer_fires_once_at_due_time()
    {
        var scheduler = new TestScheduler();

        var res = scheduler.Start(() => Observable.Timer(TimeSpan.FromTicks(50), scheduler));

        res.Messages.AssertEqual(OnNext(250, 0L), OnCompleted<long>(250));
    }

    [Fact]
    public void Interval_ticks_until_disposal()
    {
        var scheduler = new TestScheduler();

        var res = scheduler.Start(() => Observable.Interval(TimeSpan.FromTicks(100), scheduler));

        // 1000 is the disposal time, scheduled before the tick due then, so the last tick is 900.
        res.Messages.AssertEqual(
            OnNext(300, 0L), OnNext(400, 1L), OnNext(500, 2L), OnNext(600, 3L),
            OnNext(700, 4L), OnNext(800, 5L), OnNext(900, 6L));
    }

    [Fact]
    public void Throttle_emits_the_last_value_of_each_quiet_period()
    {
        var scheduler = new TestScheduler();
        var xs = scheduler.CreateHotObservable(
            OnNext(150, 0),
            OnNext(210, 1),
            OnNext(220, 2),
            OnNext(300, 3),
            OnNext(400, 4),
            OnNext(405, 5),
            OnCompleted<int>(500));

        var res = scheduler.Start(() => xs.Throttle(TimeSpan.FromTicks(20), scheduler));

        res.Messages.AssertEqual(OnNext(240, 2), OnNext(320, 3), OnNext(425, 5), OnCompleted<int>(500));
        xs.Subscriptions.AssertEqual(Subscribe(200, 500));
    }

    [Fact]
    public void Buffer_by_time_closes_each_window_on_its_boundary()
    {
        var scheduler = new TestScheduler();
        var xs = scheduler.CreateHotObservable(
            OnNext(210, 1),
            OnNext(250, 2),
            OnNext(310, 3),
            OnNext(450, 4),
            OnCompleted<int>(470));

        var res = scheduler.Start(() => xs
            .Buffer(TimeSpan.FromTicks(100), scheduler)
            .Select(b => string.Join(",", b)));

        res.Messages.AssertEqual(
            OnNext(300, "1,2"),
            OnNext(400, "3"),
            OnNext(470, "4"),
            OnCompleted<string>(470));
        xs.Subscriptions.AssertEqual(Subscribe(200, 470));
    }

    [Fact]
    public void Timeout_fails_when_the_gap_is_too_long()
    {
        var scheduler = new TestScheduler();
        var xs = scheduler.CreateHotObservable(OnNext(210, 1), OnNext(230, 2), OnNext(300, 3));

        var res = scheduler.Start(() => xs.Timeout(TimeSpan.FromTicks(50), scheduler));

        res.Messages.AssertEqual(
            OnNext(210, 1),
            OnNext(230, 2),
            OnError<int>(280, ex => ex is TimeoutException));
        xs.Subscriptions.AssertEqual(Subscribe(200, 280));
    }

    [Fact]
    public void DelaySubscription_is_visible_in_the_subscriptions()
    {
        var scheduler = new TestScheduler();
        var xs = scheduler.CreateColdObservable(OnNext(10, 1), OnCompleted<int>(20));

        var res = scheduler.Start(() => xs.DelaySubscription(TimeSpan.FromTicks(100), scheduler));

        res.Messages.AssertEqual(OnNext(310, 1), OnCompleted<int>(320));
        xs.Subscriptions.AssertEqual(Subscribe(300, 320));
    }

    [Fact]
    public void AdvanceBy_and_AdvanceTo_take_time_spans()
    {
        var scheduler = new TestScheduler();
        var ticks = new List<long>();
        using var subscription = Observable.Interval(TimeSpan.FromSeconds(1), scheduler).Subscribe(ticks.Add);

        scheduler.AdvanceBy(TimeSpan.FromMilliseconds(2500));
        Assert.Equal([0L, 1L], ticks);

        scheduler.AdvanceTo(TimeSpan.FromSeconds(4));
        Assert.Equal([0L, 1L, 2L, 3L], ticks);

        scheduler.AdvanceTo(new DateTimeOffset(TimeSpan.FromSeconds(5).Ticks, TimeSpan.Zero));
        Assert.Equal([0L, 1L, 2L, 3L, 4L], ticks);

        Assert.Throws<ArgumentOutOfRangeException>(() => scheduler.AdvanceTo(TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public async Task AdvanceUntilCompleted_drives_a_task_through_virtual_time()
    {
        var scheduler = new TestScheduler();
        var task = Observable.Timer(TimeSpan.FromSeconds(5), scheduler).Select(_ => "done").ToTask();

        Assert.False(scheduler.AdvanceUntilCompleted(task, TimeSpan.FromSeconds(2)));
        Assert.Equal(TimeSpan.FromSeconds(2).Ticks, scheduler.Clock);
        Assert.False(task.IsCompleted);

        Assert.True(scheduler.AdvanceUntilCompleted(task, TimeSpan.FromMinutes(1)));
        Assert.Equal(TimeSpan.FromSeconds(5).Ticks, scheduler.Clock);
        Assert.True(task.IsCompletedSuccessfully);
        Assert.Equal("done", await task);
    }

    [Fact]
    public void AdvanceUntil_stops_at_the_first_due_time_that_satisfies_the_condition()
    {
        var scheduler = new TestScheduler();
        var count = 0;
        using var subscription = Observable.Interval(TimeSpan.FromTicks(10), scheduler).Subscribe(_ => count++);

        Assert.True(scheduler.AdvanceUntil(() => count == 3, 1000));
        Assert.Equal(30, scheduler.Clock);

        Assert.Throws<ArgumentOutOfRangeException>(() => scheduler.AdvanceUntil(() => false, 29));
    }
}
