using System.Reactive;
using Microsoft.Reactive.Testing;
using Xunit;

namespace RxKafka.Tests.Testing;

public sealed class RecordedTests : ReactiveTest
{
    [Fact]
    public void Recorded_equality_uses_time_and_value()
    {
        var a = new Recorded<string>(10, "x");

        Assert.Equal(new Recorded<string>(10, "x"), a);
        Assert.True(a == new Recorded<string>(10, "x"));
        Assert.True(a != new Recorded<string>(11, "x"));
        Assert.NotEqual(new Recorded<string>(10, "y"), a);
        Assert.Equal(new Recorded<string>(10, "x").GetHashCode(), a.GetHashCode());
        Assert.False(a.Equals((object)"x"));
    }

    [Fact]
    public void Recorded_ToString_is_value_at_time()
    {
        Assert.Equal("OnNext(42)@210", OnNext(210, 42).ToString());
        Assert.Equal("OnCompleted()@300", OnCompleted<int>(300).ToString());
        Assert.Equal("OnError(System.TimeoutException)@5", OnError<int>(5, new TimeoutException()).ToString());
    }

    [Fact]
    public void Subscription_compares_by_both_times_and_prints_as_a_pair()
    {
        Assert.Equal(long.MaxValue, Subscription.Infinite);
        Assert.Equal(new Subscription(200, Subscription.Infinite), Subscribe(200));
        Assert.True(Subscribe(200, 300) == new Subscription(200, 300));
        Assert.True(Subscribe(200, 300) != Subscribe(200, 301));
        Assert.Equal(Subscribe(1, 2).GetHashCode(), new Subscription(1, 2).GetHashCode());
        Assert.Equal("(200, 1000)", Subscribe(200, 1000).ToString());
        Assert.Equal("(200, Infinite)", Subscribe(200).ToString());
    }

    [Fact]
    public void ReactiveTest_standard_times_are_100_200_and_1000()
    {
        Assert.Equal(100, Created);
        Assert.Equal(200, Subscribed);
        Assert.Equal(1000, Disposed);
    }

    [Fact]
    public void The_factories_build_the_matching_notifications()
    {
        var error = new InvalidOperationException();

        Assert.Equal(new Recorded<Notification<int>>(1, Notification.CreateOnNext(5)), OnNext(1, 5));
        Assert.Equal(new Recorded<Notification<int>>(2, Notification.CreateOnCompleted<int>()), OnCompleted<int>(2));
        Assert.Equal(new Recorded<Notification<int>>(3, Notification.CreateOnError<int>(error)), OnError<int>(3, error));
        Assert.Throws<ArgumentNullException>(() => OnError<int>(3, (Exception)null!));
        Assert.Throws<ArgumentNullException>(() => OnNext(3, (Func<int, bool>)null!));
        Assert.Throws<ArgumentNullException>(() => OnError<int>(3, (Func<Exception, bool>)null!));
    }

    [Fact]
    public void A_predicate_notification_cannot_be_delivered()
    {
        var scheduler = new TestScheduler();
        var xs = scheduler.CreateColdObservable(OnNext<int>(10, _ => true));
        xs.Subscribe(_ => { });

        Assert.Throws<NotSupportedException>(() => scheduler.Start());
    }
}
