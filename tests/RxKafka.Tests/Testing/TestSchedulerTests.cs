using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using System.Reactive.Linq;
using Microsoft.Reactive.Testing;
using RxKafka.Testing;
using Xunit;

namespace RxKafka.Tests.Testing;

public sealed class TestSchedulerTests : ReactiveTest
{
    [Fact]
    public void Start_rejects_a_null_factory()
    {
        var scheduler = new TestScheduler();
        Assert.Throws<ArgumentNullException>(() => scheduler.Start<int>(null!));
        Assert.Throws<ArgumentNullException>(() => scheduler.Start<int>(null!, 10));
        Assert.Throws<ArgumentNullException>(() => scheduler.Start<int>(null!, 1, 2, 3));
        Assert.Equal(0, scheduler.Clock);
    }

    [Fact]
    public void Start_by_default_creates_at_100_subscribes_at_200_and_disposes_at_1000()
    {
        var scheduler = new TestScheduler();
        long createdAt = -1, subscribedAt = -1, disposedAt = -1;

        var observer = scheduler.Start(() =>
        {
            createdAt = scheduler.Clock;
            return Observable.Create<int>(o =>
            {
                subscribedAt = scheduler.Clock;
                return Disposable.Create(() => disposedAt = scheduler.Clock);
            });
        });

        Assert.Equal(Created, createdAt);
        Assert.Equal(Subscribed, subscribedAt);
        Assert.Equal(Disposed, disposedAt);
        Assert.Equal(1000, scheduler.Clock);
        Assert.Empty(observer.Messages);
    }

    [Fact]
    public void Start_with_a_disposed_time_disposes_there()
    {
        var scheduler = new TestScheduler();
        var xs = scheduler.CreateHotObservable(OnNext(210, 1), OnNext(450, 2), OnNext(550, 3));

        var res = scheduler.Start(() => xs, 500);

        res.Messages.AssertEqual(OnNext(210, 1), OnNext(450, 2));
        xs.Subscriptions.AssertEqual(Subscribe(200, 500));
    }

    [Fact]
    public void Start_with_all_times_uses_them()
    {
        var scheduler = new TestScheduler();
        var xs = scheduler.CreateColdObservable(OnNext(5, 'a'), OnNext(50, 'b'));

        var res = scheduler.Start(() => xs, 10, 20, 60);

        res.Messages.AssertEqual(OnNext(25, 'a'));
        xs.Subscriptions.AssertEqual(Subscribe(20, 60));
    }

    [Fact]
    public void Start_disposal_at_1000_cuts_later_messages()
    {
        var scheduler = new TestScheduler();
        var xs = scheduler.CreateHotObservable(
            OnNext(300, "a"),
            OnNext(990, "b"),
            OnNext(1001, "c"),
            OnCompleted<string>(1100));

        var res = scheduler.Start(() => xs.Select(x => x.ToUpperInvariant()));

        res.Messages.AssertEqual(OnNext(300, "A"), OnNext(990, "B"));
        xs.Subscriptions.AssertEqual(Subscribe(200, 1000));
    }

    [Fact]
    public void ScheduleAbsolute_in_the_past_runs_at_clock_plus_one()
    {
        var scheduler = new TestScheduler();
        var ran = new List<(string, long)>();
        scheduler.AdvanceTo(500);

        scheduler.ScheduleAbsolute(100L, () => ran.Add(("past", scheduler.Clock)));
        scheduler.ScheduleAbsolute(500L, () => ran.Add(("now", scheduler.Clock)));
        scheduler.ScheduleAbsolute(600L, () => ran.Add(("future", scheduler.Clock)));
        scheduler.Start();

        Assert.Equal([("past", 501L), ("now", 501L), ("future", 600L)], ran);
    }

    [Fact]
    public void Immediate_and_zero_relative_work_runs_one_tick_later()
    {
        var scheduler = new TestScheduler();
        scheduler.AdvanceTo(42);
        var times = new List<long>();

        scheduler.Schedule(() => times.Add(scheduler.Clock));
        scheduler.ScheduleRelative(0L, () => times.Add(scheduler.Clock));
        scheduler.Schedule(TimeSpan.FromTicks(8), () => times.Add(scheduler.Clock));
        scheduler.Start();

        Assert.Equal([43L, 43L, 50L], times);
    }

    [Fact]
    public void Work_due_at_the_same_time_runs_in_scheduling_order()
    {
        var scheduler = new TestScheduler();
        var order = new List<int>();
        for (var i = 0; i < 5; i++)
        {
            var n = i;
            scheduler.ScheduleAbsolute(300L, () => order.Add(n));
        }

        scheduler.AdvanceTo(300);

        Assert.Equal([0, 1, 2, 3, 4], order);
    }

    [Fact]
    public void Now_is_the_clock_ticks_in_UTC()
    {
        var scheduler = new TestScheduler();
        scheduler.AdvanceBy(TimeSpan.FromSeconds(3));

        Assert.Equal(TimeSpan.FromSeconds(3).Ticks, scheduler.Clock);
        Assert.Equal(new DateTimeOffset(TimeSpan.FromSeconds(3).Ticks, TimeSpan.Zero), scheduler.Now);
        Assert.Equal(TimeSpan.FromSeconds(3), scheduler.Elapsed());
    }

    [Fact]
    public void CreateObserver_records_the_clock_of_each_notification()
    {
        var scheduler = new TestScheduler();
        var observer = scheduler.CreateObserver<int>();
        var error = new InvalidOperationException("x");

        scheduler.ScheduleAbsolute(10L, () => observer.OnNext(1));
        scheduler.ScheduleAbsolute(20L, () => observer.OnError(error));
        scheduler.ScheduleAbsolute(30L, () => observer.OnCompleted());
        scheduler.Start();

        observer.Messages.AssertEqual(OnNext(10, 1), OnError<int>(20, error), OnCompleted<int>(30));
    }
}
