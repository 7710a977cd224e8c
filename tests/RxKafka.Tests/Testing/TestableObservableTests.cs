using System.Reactive.Concurrency;
using System.Reactive.Linq;
using Microsoft.Reactive.Testing;
using Xunit;

namespace RxKafka.Tests.Testing;

public sealed class TestableObservableTests : ReactiveTest
{
    [Fact]
    public void A_hot_observable_subscribed_at_200_misses_earlier_messages()
    {
        var scheduler = new TestScheduler();
        var xs = scheduler.CreateHotObservable(
            OnNext(150, 1),
            OnNext(210, 2),
            OnNext(230, 3),
            OnCompleted<int>(250));

        var res = scheduler.Start(() => xs);

        res.Messages.AssertEqual(OnNext(210, 2), OnNext(230, 3), OnCompleted<int>(250));
        // Nothing unsubscribes the raw observable on completion: Start disposes it at 1000.
        xs.Subscriptions.AssertEqual(Subscribe(200, 1000));
    }

    [Fact]
    public void A_hot_observable_through_an_operator_is_unsubscribed_on_completion()
    {
        var scheduler = new TestScheduler();
        var xs = scheduler.CreateHotObservable(OnNext(210, 2), OnCompleted<int>(250));

        var res = scheduler.Start(() => xs.Select(x => x * 10));

        res.Messages.AssertEqual(OnNext(210, 20), OnCompleted<int>(250));
        xs.Subscriptions.AssertEqual(Subscribe(200, 250));
    }

    [Fact]
    public void A_hot_observable_schedules_its_messages_at_creation()
    {
        var scheduler = new TestScheduler();
        scheduler.AdvanceTo(300);

        // Created at 300: the message due at 250 is already in the past and fires at 301.
        var xs = scheduler.CreateHotObservable(OnNext(250, "late"), OnNext(400, "on time"));
        var observer = scheduler.CreateObserver<string>();
        xs.Subscribe(observer);
        scheduler.Start();

        observer.Messages.AssertEqual(OnNext(301, "late"), OnNext(400, "on time"));
        xs.Subscriptions.AssertEqual(Subscribe(300));
    }

    [Fact]
    public void A_hot_observable_shares_its_timeline_between_two_observers()
    {
        var scheduler = new TestScheduler();
        var xs = scheduler.CreateHotObservable(OnNext(110, 1), OnNext(210, 2), OnNext(310, 3), OnNext(410, 4));
        var first = scheduler.CreateObserver<int>();
        var second = scheduler.CreateObserver<int>();
        IDisposable? s1 = null, s2 = null;

        scheduler.ScheduleAbsolute(100L, () => s1 = xs.Subscribe(first));
        scheduler.ScheduleAbsolute(300L, () => s2 = xs.Subscribe(second));
        scheduler.ScheduleAbsolute(350L, () => s1!.Dispose());
        scheduler.ScheduleAbsolute(500L, () => s2!.Dispose());
        scheduler.Start();

        first.Messages.AssertEqual(OnNext(110, 1), OnNext(210, 2), OnNext(310, 3));
        second.Messages.AssertEqual(OnNext(310, 3), OnNext(410, 4));
        xs.Subscriptions.AssertEqual(Subscribe(100, 350), Subscribe(300, 500));
    }

    [Fact]
    public void A_cold_observable_replays_relative_to_subscription()
    {
        var scheduler = new TestScheduler();
        var xs = scheduler.CreateColdObservable(OnNext(10, 'a'), OnNext(20, 'b'), OnCompleted<char>(30));

        var res = scheduler.Start(() => xs);

        res.Messages.AssertEqual(OnNext(210, 'a'), OnNext(220, 'b'), OnCompleted<char>(230));
        xs.Subscriptions.AssertEqual(Subscribe(200, 1000));
    }

    [Fact]
    public void A_cold_observable_gives_each_subscription_its_own_replay()
    {
        var scheduler = new TestScheduler();
        var xs = scheduler.CreateColdObservable(OnNext(10, 1), OnNext(50, 2));
        var early = scheduler.CreateObserver<int>();
        var late = scheduler.CreateObserver<int>();

        scheduler.ScheduleAbsolute(100L, () => xs.Subscribe(early));
        scheduler.ScheduleAbsolute(400L, () => xs.Subscribe(late));
        scheduler.Start();

        early.Messages.AssertEqual(OnNext(110, 1), OnNext(150, 2));
        late.Messages.AssertEqual(OnNext(410, 1), OnNext(450, 2));
        xs.Subscriptions.AssertEqual(Subscribe(100), Subscribe(400));
    }

    [Fact]
    public void A_cold_message_at_relative_zero_arrives_one_tick_after_subscription()
    {
        var scheduler = new TestScheduler();
        var xs = scheduler.CreateColdObservable(OnNext(0, 7), OnCompleted<int>(0));

        var res = scheduler.Start(() => xs);

        res.Messages.AssertEqual(OnNext(201, 7), OnCompleted<int>(201));
    }

    [Fact]
    public void A_cold_observable_disposal_cancels_pending_messages()
    {
        var scheduler = new TestScheduler();
        var xs = scheduler.CreateColdObservable(OnNext(100, 1), OnNext(400, 2), OnCompleted<int>(500));

        var res = scheduler.Start(() => xs, 450);

        res.Messages.AssertEqual(OnNext(300, 1));
        xs.Subscriptions.AssertEqual(Subscribe(200, 450));
    }

    [Fact]
    public void A_cold_observable_under_Repeat_records_every_subscription()
    {
        var scheduler = new TestScheduler();
        var xs = scheduler.CreateColdObservable(OnNext(10, 1), OnCompleted<int>(20));

        var res = scheduler.Start(() => xs.Repeat(3));

        res.Messages.AssertEqual(OnNext(210, 1), OnNext(230, 1), OnNext(250, 1), OnCompleted<int>(260));
        xs.Subscriptions.AssertEqual(Subscribe(200, 220), Subscribe(220, 240), Subscribe(240, 260));
    }

    [Fact]
    public void A_subscription_disposed_twice_keeps_the_first_unsubscribe_time()
    {
        var scheduler = new TestScheduler();
        var xs = scheduler.CreateColdObservable<int>();
        IDisposable? subscription = null;

        scheduler.ScheduleAbsolute(10L, () => subscription = xs.Subscribe(_ => { }));
        scheduler.ScheduleAbsolute(20L, () => subscription!.Dispose());
        scheduler.ScheduleAbsolute(30L, () => subscription!.Dispose());
        scheduler.Start();

        xs.Subscriptions.AssertEqual(Subscribe(10, 20));
    }

    [Fact]
    public void OnError_is_recorded_with_the_same_exception_instance()
    {
        var scheduler = new TestScheduler();
        var boom = new InvalidOperationException("boom");
        var xs = scheduler.CreateHotObservable(OnNext(210, 1), OnError<int>(250, boom));

        var res = scheduler.Start(() => xs.Select(x => x + 1));

        res.Messages.AssertEqual(OnNext(210, 2), OnError<int>(250, boom));
        Assert.Same(boom, res.Messages[1].Value.Exception);
        xs.Subscriptions.AssertEqual(Subscribe(200, 250));

        // An equal-looking but different instance is a different error.
        var lookalike = new InvalidOperationException("boom");
        Assert.ThrowsAny<Exception>(() => res.Messages.AssertEqual(OnNext(210, 2), OnError<int>(250, lookalike)));
    }

    [Fact]
    public void Messages_expose_the_script()
    {
        var scheduler = new TestScheduler();
        var script = new[] { OnNext(10, "x"), OnCompleted<string>(20) };

        var hot = scheduler.CreateHotObservable(script);
        var cold = scheduler.CreateColdObservable(script);

        Assert.Equal(script, hot.Messages);
        Assert.Equal(script, cold.Messages);
        Assert.Empty(hot.Subscriptions);
        Assert.Empty(cold.Subscriptions);
    }
}
