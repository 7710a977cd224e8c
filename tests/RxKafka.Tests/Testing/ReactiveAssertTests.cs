using System.Reactive;
using System.Reactive.Linq;
using RxKafka.Testing;
using Xunit;

namespace RxKafka.Tests.Testing;

public sealed class ReactiveAssertTests : ReactiveTest
{
    [Fact]
    public void AssertEqual_on_a_mismatch_throws_with_both_lists_and_the_first_difference()
    {
        var scheduler = new TestScheduler();
        var xs = scheduler.CreateHotObservable(OnNext(210, 1), OnNext(220, 2), OnCompleted<int>(230));
        var res = scheduler.Start(() => xs);

        var ex = Assert.Throws<ReactiveAssertException>(
            () => res.Messages.AssertEqual(OnNext(210, 1), OnNext(220, 3), OnCompleted<int>(230)));

        Assert.Contains("Sequences differ at index 1: expected OnNext(3)@220, actual OnNext(2)@220.", ex.Message);
        Assert.Contains("Expected (3): [OnNext(1)@210, OnNext(3)@220, OnCompleted()@230]", ex.Message);
        Assert.Contains("Actual   (3): [OnNext(1)@210, OnNext(2)@220, OnCompleted()@230]", ex.Message);
    }

    [Fact]
    public void AssertEqual_says_which_element_is_missing_when_the_actual_list_is_shorter()
    {
        var scheduler = new TestScheduler();
        var xs = scheduler.CreateHotObservable(OnNext(210, "a"));
        var res = scheduler.Start(() => xs);

        var ex = Assert.Throws<ReactiveAssertException>(
            () => res.Messages.AssertEqual(OnNext(210, "a"), OnCompleted<string>(300)));

        Assert.Contains("at index 1: expected OnCompleted()@300, actual <end of sequence>", ex.Message);
        Assert.Contains("Actual   (1): [OnNext(a)@210]", ex.Message);
    }

    [Fact]
    public void AssertEqual_on_subscriptions_shows_subscription_intervals()
    {
        var scheduler = new TestScheduler();
        var xs = scheduler.CreateColdObservable<int>();
        scheduler.Start(() => xs, 600);

        xs.Subscriptions.AssertEqual(Subscribe(200, 600));
        var ex = Assert.Throws<ReactiveAssertException>(() => xs.Subscriptions.AssertEqual(Subscribe(200)));

        Assert.Contains("expected (200, Infinite), actual (200, 600)", ex.Message);
    }

    [Fact]
    public void AreElementsEqual_with_a_message_puts_the_message_first()
    {
        var ex = Assert.Throws<ReactiveAssertException>(
            () => ReactiveAssert.AreElementsEqual(new[] { 1, 2 }, new[] { 1, 2, 3 }, "partition 0 offsets"));

        Assert.StartsWith("partition 0 offsets", ex.Message);
        Assert.Contains("at index 2: expected <end of sequence>, actual 3", ex.Message);
    }

    [Fact]
    public void AreElementsEqual_passes_equal_sequences_and_uses_the_comparer()
    {
        ReactiveAssert.AreElementsEqual(new[] { "a", "b" }, new List<string> { "a", "b" });
        ReactiveAssert.AreElementsEqual(new[] { "A", "b" }, new[] { "a", "B" }, StringComparer.OrdinalIgnoreCase);
        Assert.Throws<ReactiveAssertException>(() => ReactiveAssert.AreElementsEqual(new[] { "A" }, new[] { "a" }));
    }

    [Fact]
    public void AreElementsEqual_on_observables_compares_notifications()
    {
        ReactiveAssert.AreElementsEqual(Observable.Range(1, 3), new[] { 1, 2, 3 }.ToObservable());
        Observable.Return("X").AssertEqual(Observable.Return("x"), StringComparer.OrdinalIgnoreCase);

        var ex = Assert.Throws<ReactiveAssertException>(
            () => ReactiveAssert.AreElementsEqual(Observable.Range(1, 2), Observable.Range(1, 1)));
        Assert.Contains("at index 1: expected OnNext(2), actual OnCompleted()", ex.Message);
    }

    [Fact]
    public void OnNext_with_a_predicate_matches_by_the_predicate()
    {
        var scheduler = new TestScheduler();
        var xs = scheduler.CreateHotObservable(OnNext(210, 4), OnNext(220, 7));
        var res = scheduler.Start(() => xs);

        res.Messages.AssertEqual(OnNext<int>(210, x => x % 2 == 0), OnNext<int>(220, x => x > 5));

        var ex = Assert.Throws<ReactiveAssertException>(
            () => res.Messages.AssertEqual(OnNext<int>(210, x => x % 2 == 0), OnNext<int>(220, x => x % 2 == 0)));
        Assert.Contains("at index 1: expected OnNext(<predicate>)@220, actual OnNext(7)@220", ex.Message);

        // Right value, wrong time: still a mismatch.
        Assert.Throws<ReactiveAssertException>(() => res.Messages.AssertEqual(OnNext<int>(211, _ => true), OnNext<int>(220, _ => true)));
    }

    [Fact]
    public void OnNext_with_a_predicate_never_matches_other_kinds()
    {
        var scheduler = new TestScheduler();
        var xs = scheduler.CreateHotObservable(OnCompleted<int>(210));
        var res = scheduler.Start(() => xs);

        Assert.Throws<ReactiveAssertException>(() => res.Messages.AssertEqual(OnNext<int>(210, _ => true)));
        Assert.Throws<ReactiveAssertException>(() => res.Messages.AssertEqual(OnError<int>(210, _ => true)));
    }

    [Fact]
    public void OnError_with_a_predicate_matches_by_the_predicate()
    {
        var scheduler = new TestScheduler();
        var xs = scheduler.CreateHotObservable(OnError<string>(250, new ArgumentException("bad topic name", "topic")));
        var res = scheduler.Start(() => xs);

        res.Messages.AssertEqual(OnError<string>(250, ex => ex is ArgumentException { ParamName: "topic" }));
        res.Messages.AssertEqual(OnError(250, ex => ex.Message.StartsWith("bad topic", StringComparison.Ordinal), "witness"));

        var ex = Assert.Throws<ReactiveAssertException>(
            () => res.Messages.AssertEqual(OnError<string>(250, e => e is InvalidOperationException)));
        Assert.Contains("expected OnError(<predicate>)@250, actual OnError(System.ArgumentException)@250", ex.Message);
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
    public void Throws_returns_the_exception_and_reports_wrong_or_missing_exceptions()
    {
        var thrown = ReactiveAssert.Throws<InvalidOperationException>(() => throw new InvalidOperationException("expected"));
        Assert.Equal("expected", thrown.Message);

        // Derived exception types count, as with catch.
        ReactiveAssert.Throws<ArgumentException>(() => throw new ArgumentNullException("x"));

        var wrong = Assert.Throws<ReactiveAssertException>(
            () => ReactiveAssert.Throws<InvalidOperationException>(() => throw new FormatException("nope")));
        Assert.Contains("Expected InvalidOperationException but FormatException was thrown: nope", wrong.Message);
        Assert.IsType<FormatException>(wrong.InnerException);

        var none = Assert.Throws<ReactiveAssertException>(
            () => ReactiveAssert.Throws<InvalidOperationException>(() => { }, "connect must fail"));
        Assert.Equal($"connect must fail{Environment.NewLine}Expected InvalidOperationException but no exception was thrown.", none.Message);
    }

    [Fact]
    public void Throws_with_an_instance_requires_that_instance()
    {
        var expected = new TimeoutException("t");

        ReactiveAssert.Throws(expected, () => throw expected);
        var ex = Assert.Throws<ReactiveAssertException>(
            () => ReactiveAssert.Throws(expected, () => throw new TimeoutException("t")));
        Assert.Contains("another instance was thrown", ex.Message);
    }

    [Fact]
    public void DoesNotThrow_passes_or_wraps_the_exception()
    {
        ReactiveAssert.DoesNotThrow(() => { });

        var cause = new InvalidOperationException("disposed twice");
        var ex = Assert.Throws<ReactiveAssertException>(() => ReactiveAssert.DoesNotThrow(() => throw cause, "dispose"));
        Assert.Same(cause, ex.InnerException);
        Assert.Contains("Expected no exception but InvalidOperationException was thrown: disposed twice", ex.Message);
    }
}
