using System.Reactive;
using System.Reactive.Linq;
using Microsoft.Reactive.Testing;
using Xunit;

namespace RxKafka.Tests.Testing;

/// <summary>
/// What the project's tests rely on from Microsoft.Reactive.Testing's assertions: predicate and witness
/// expectations, and failures that show both sequences. Its failures are its own xunit copy's exceptions
/// (internal types), so they are caught here as any <see cref="Exception"/>.
/// </summary>
public sealed class ReactiveAssertTests : ReactiveTest
{
    [Fact]
    public void AssertEqual_on_a_mismatch_throws_with_both_lists()
    {
        var scheduler = new TestScheduler();
        var xs = scheduler.CreateHotObservable(OnNext(210, 1), OnNext(220, 2), OnCompleted<int>(230));
        var res = scheduler.Start(() => xs);

        var ex = Assert.ThrowsAny<Exception>(
            () => res.Messages.AssertEqual(OnNext(210, 1), OnNext(220, 3), OnCompleted<int>(230)));

        Assert.Contains("[OnNext(1)@210, OnNext(3)@220, OnCompleted()@230]", ex.Message);
        Assert.Contains("[OnNext(1)@210, OnNext(2)@220, OnCompleted()@230]", ex.Message);
    }

    [Fact]
    public void AssertEqual_on_subscriptions_shows_subscription_intervals()
    {
        var scheduler = new TestScheduler();
        var xs = scheduler.CreateColdObservable<int>();
        scheduler.Start(() => xs, 600);

        xs.Subscriptions.AssertEqual(Subscribe(200, 600));
        var ex = Assert.ThrowsAny<Exception>(() => xs.Subscriptions.AssertEqual(Subscribe(200)));

        Assert.Contains("(200, Infinite)", ex.Message);
        Assert.Contains("(200, 600)", ex.Message);
    }

    [Fact]
    public void AreElementsEqual_with_a_message_puts_the_message_first()
    {
        var ex = Assert.ThrowsAny<Exception>(
            () => ReactiveAssert.AreElementsEqual(new[] { 1, 2 }, new[] { 1, 2, 3 }, "partition 0 offsets"));

        Assert.StartsWith("partition 0 offsets", ex.Message);
    }

    [Fact]
    public void AreElementsEqual_on_observables_compares_notifications()
    {
        ReactiveAssert.AreElementsEqual(Observable.Range(1, 3), new[] { 1, 2, 3 }.ToObservable());

        Assert.ThrowsAny<Exception>(() => ReactiveAssert.AreElementsEqual(Observable.Range(1, 2), Observable.Range(1, 1)));
    }

    [Fact]
    public void OnNext_with_a_predicate_matches_by_the_predicate()
    {
        var scheduler = new TestScheduler();
        var xs = scheduler.CreateHotObservable(OnNext(210, 4), OnNext(220, 7));
        var res = scheduler.Start(() => xs);

        res.Messages.AssertEqual(OnNext<int>(210, x => x % 2 == 0), OnNext<int>(220, x => x > 5));
        Assert.ThrowsAny<Exception>(
            () => res.Messages.AssertEqual(OnNext<int>(210, x => x % 2 == 0), OnNext<int>(220, x => x % 2 == 0)));

        // Right value, wrong time: still a mismatch.
        Assert.ThrowsAny<Exception>(() => res.Messages.AssertEqual(OnNext<int>(211, _ => true), OnNext<int>(220, _ => true)));
    }

    [Fact]
    public void OnNext_with_a_predicate_never_matches_other_kinds()
    {
        var scheduler = new TestScheduler();
        var xs = scheduler.CreateHotObservable(OnCompleted<int>(210));
        var res = scheduler.Start(() => xs);

        Assert.ThrowsAny<Exception>(() => res.Messages.AssertEqual(OnNext<int>(210, _ => true)));
        Assert.ThrowsAny<Exception>(() => res.Messages.AssertEqual(OnError<int>(210, _ => true)));
    }

    [Fact]
    public void OnError_with_a_predicate_matches_by_the_predicate()
    {
        var scheduler = new TestScheduler();
        var xs = scheduler.CreateHotObservable(OnError<string>(250, new ArgumentException("bad topic name", "topic")));
        var res = scheduler.Start(() => xs);

        res.Messages.AssertEqual(OnError<string>(250, ex => ex is ArgumentException { ParamName: "topic" }));
        res.Messages.AssertEqual(OnError(250, ex => ex.Message.StartsWith("bad topic", StringComparison.Ordinal), "witness"));
        Assert.ThrowsAny<Exception>(() => res.Messages.AssertEqual(OnError<string>(250, e => e is InvalidOperationException)));
    }

    [Fact]
    public void The_witness_overloads_infer_the_element_type()
    {
        var boom = new InvalidOperationException();

        Recorded<Notification<string>> completed = OnCompleted(300, "witness");
        Recorded<Notification<double>> failed = OnError(310, boom, 0.0);

        Assert.Equal(OnCompleted<string>(300), completed);
        Assert.Equal(OnError<double>(310, boom), failed);
    }

    [Fact]
    public void Throws_passes_on_the_exception_type_and_fails_on_another()
    {
        ReactiveAssert.Throws<InvalidOperationException>(() => throw new InvalidOperationException("expected"));

        Assert.ThrowsAny<Exception>(() => ReactiveAssert.Throws<InvalidOperationException>(() => throw new FormatException("nope")));
        Assert.ThrowsAny<Exception>(() => ReactiveAssert.Throws<InvalidOperationException>(() => { }, "connect must fail"));
    }

    [Fact]
    public void Throws_with_an_instance_requires_that_instance()
    {
        var expected = new TimeoutException("t");

        ReactiveAssert.Throws(expected, () => throw expected);
        Assert.ThrowsAny<Exception>(() => ReactiveAssert.Throws(expected, () => throw new TimeoutException("t")));
    }
}
