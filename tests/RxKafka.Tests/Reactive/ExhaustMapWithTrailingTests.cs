using System.Reactive.Linq;
using Microsoft.Reactive.Testing;
using RxKafka.Reactive;

namespace RxKafka.Tests.Reactive;

/// <summary>
/// ExhaustMapWithTrailing in marbles: runs never overlap; values during a run become exactly one run
/// after it, with the first of them; errors and completion pass through; disposal reaches the source
/// and the running inner sequence (asserted through their subscriptions).
/// </summary>
public sealed class ExhaustMapWithTrailingTests : ReactiveTest
{
    [Fact]
    public void A_value_while_idle_starts_a_run_at_once()
    {
        var scheduler = new TestScheduler();
        var xs = scheduler.CreateHotObservable(OnNext(210, 1), OnNext(300, 2), OnCompleted<int>(400));
        var runs = new List<ITestableObservable<string>>();

        var res = scheduler.Start(() => xs.ExhaustMapWithTrailing(v =>
        {
            var run = scheduler.CreateColdObservable(OnNext(10, $"run {v}"), OnCompleted<string>(20));
            runs.Add(run);
            return run;
        }));

        res.Messages.AssertEqual(OnNext(220, "run 1"), OnNext(310, "run 2"), OnCompleted<string>(400));
        xs.Subscriptions.AssertEqual(Subscribe(200, 400));
        runs[0].Subscriptions.AssertEqual(Subscribe(210, 230));
        runs[1].Subscriptions.AssertEqual(Subscribe(300, 320));
    }

    [Fact]
    public void Values_during_a_run_make_exactly_one_more_run_right_after_it_with_the_first_of_them()
    {
        var scheduler = new TestScheduler();
        var xs = scheduler.CreateHotObservable(OnNext(210, 1), OnNext(220, 2), OnNext(230, 3), OnNext(240, 4), OnCompleted<int>(500));
        var runs = new List<ITestableObservable<int>>();

        var res = scheduler.Start(() => xs.ExhaustMapWithTrailing(v =>
        {
            var run = scheduler.CreateColdObservable(OnNext(50, v), OnCompleted<int>(50));
            runs.Add(run);
            return run;
        }));

        // 2, 3 and 4 arrive during run 1: one trailing run with 2, started when run 1 completes at 260.
        res.Messages.AssertEqual(OnNext(260, 1), OnNext(310, 2), OnCompleted<int>(500));
        Assert.Equal(2, runs.Count);
        runs[0].Subscriptions.AssertEqual(Subscribe(210, 260));
        runs[1].Subscriptions.AssertEqual(Subscribe(260, 310));
    }

    [Fact]
    public void Completion_of_the_source_waits_for_the_running_run()
    {
        var scheduler = new TestScheduler();
        var xs = scheduler.CreateHotObservable(OnNext(210, 1), OnCompleted<int>(220));
        var run = scheduler.CreateColdObservable(OnNext(30, "done"), OnCompleted<string>(40));

        var res = scheduler.Start(() => xs.ExhaustMapWithTrailing(_ => run));

        res.Messages.AssertEqual(OnNext(240, "done"), OnCompleted<string>(250));
        xs.Subscriptions.AssertEqual(Subscribe(200, 220));
        run.Subscriptions.AssertEqual(Subscribe(210, 250));
    }

    [Fact]
    public void An_error_of_a_run_ends_the_stream()
    {
        var scheduler = new TestScheduler();
        var failure = new InvalidOperationException("update failed");
        var xs = scheduler.CreateHotObservable(OnNext(210, 1), OnNext(300, 2));
        var run = scheduler.CreateColdObservable(OnError<string>(10, failure));

        var res = scheduler.Start(() => xs.ExhaustMapWithTrailing(_ => run));

        res.Messages.AssertEqual(OnError<string>(220, failure));
        xs.Subscriptions.AssertEqual(Subscribe(200, 220));
        run.Subscriptions.AssertEqual(Subscribe(210, 220));
    }

    [Fact]
    public void Disposal_unsubscribes_the_source_and_the_running_run()
    {
        var scheduler = new TestScheduler();
        var xs = scheduler.CreateHotObservable(OnNext(210, 1), OnNext(220, 2));
        var run = scheduler.CreateColdObservable(OnNext(500, "late"), OnCompleted<string>(600));

        var res = scheduler.Start(() => xs.ExhaustMapWithTrailing(_ => run), created: 100, subscribed: 200, disposed: 400);

        res.Messages.AssertEqual();
        xs.Subscriptions.AssertEqual(Subscribe(200, 400));
        run.Subscriptions.AssertEqual(Subscribe(210, 400));
    }
}
