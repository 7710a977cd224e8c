using System.Reactive.Linq;
using Microsoft.Reactive.Testing;
using RxKafka.Network;
using RxKafka.Reactive;

namespace RxKafka.Tests.Reactive;

/// <summary>S1: reconnect backoff, exponential with jitter, reset on success, in virtual time.</summary>
public sealed class BackoffTests : ReactiveTest
{
    private static readonly BackoffOptions Ticks100To800NoJitter = new()
    {
        Base = TimeSpan.FromTicks(100),
        Max = TimeSpan.FromTicks(800),
        JitterFactor = 0,
    };

    [Fact]
    public void S1_the_defaults_are_the_Kafka_reconnect_backoff_ones()
    {
        Assert.Equal(TimeSpan.FromMilliseconds(50), BackoffOptions.Default.Base);
        Assert.Equal(TimeSpan.FromSeconds(1), BackoffOptions.Default.Max);
        Assert.Equal(0.2, BackoffOptions.Default.JitterFactor);
    }

    [Fact]
    public void S1_without_jitter_delays_double_up_to_the_max()
    {
        var backoff = new Backoff(BackoffOptions.Default with { JitterFactor = 0 });

        var delays = Enumerable.Range(0, 8).Select(_ => backoff.NextDelay().TotalMilliseconds).ToArray();

        Assert.Equal([50, 100, 200, 400, 800, 1000, 1000, 1000], delays);
        Assert.Equal(8, backoff.Attempts);
    }

    [Fact]
    public void S1_jittered_delays_stay_within_their_bounds_and_follow_the_random_passed_in()
    {
        var options = new BackoffOptions { Base = TimeSpan.FromMilliseconds(100), Max = TimeSpan.FromSeconds(10), JitterFactor = 0.2 };
        var backoff = new Backoff(options, new Random(1234));
        var samples = new Random(1234);

        for (var attempt = 0; attempt < 40; attempt++)
        {
            var delay = backoff.NextDelay();

            var nominal = Math.Min(options.Max.Ticks, options.Base.Ticks * Math.Pow(2, Math.Min(attempt, 30)));
            Assert.InRange(delay.Ticks, (long)(nominal * 0.8), (long)(nominal * 1.2));
            Assert.Equal(Backoff.Compute(options, attempt, samples.NextDouble()), delay);
        }
    }

    [Fact]
    public void S1_jitter_spreads_delays()
    {
        var options = new BackoffOptions { Base = TimeSpan.FromSeconds(1), JitterFactor = 0.5, Max = TimeSpan.FromSeconds(1) };

        var delays = Enumerable.Range(0, 50).Select(seed => new Backoff(options, new Random(seed)).NextDelay()).ToArray();

        Assert.All(delays, d => Assert.InRange(d, TimeSpan.FromMilliseconds(500), TimeSpan.FromMilliseconds(1500)));
        Assert.Contains(delays, d => d < TimeSpan.FromMilliseconds(900));
        Assert.Contains(delays, d => d > TimeSpan.FromMilliseconds(1100));
    }

    [Theory]
    [InlineData(0, 0.0, 80)]
    [InlineData(0, 0.5, 100)]
    [InlineData(2, 0.0, 320)]
    [InlineData(2, 0.99, 478)]
    [InlineData(5, 0.5, 1000)]
    [InlineData(1000, 0.5, 1000)]
    public void S1_Compute_is_capped_exponential_times_jitter(int attempt, double sample, long expectedMs)
    {
        var options = new BackoffOptions { Base = TimeSpan.FromMilliseconds(100), Max = TimeSpan.FromSeconds(1), JitterFactor = 0.2 };

        Assert.Equal(expectedMs, (long)Backoff.Compute(options, attempt, sample).TotalMilliseconds);
    }

    [Fact]
    public void S1_Reset_starts_again_from_the_base()
    {
        var backoff = new Backoff(Ticks100To800NoJitter);
        backoff.NextDelay();
        backoff.NextDelay();
        Assert.Equal(TimeSpan.FromTicks(400), backoff.NextDelay());

        backoff.Reset();

        Assert.Equal(0, backoff.Attempts);
        Assert.Equal(TimeSpan.FromTicks(100), backoff.NextDelay());
    }

    [Fact]
    public void S1_options_reject_nonsense()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new BackoffOptions { Base = TimeSpan.Zero });
        Assert.Throws<ArgumentOutOfRangeException>(() => new BackoffOptions { Max = TimeSpan.FromTicks(-1) });
        Assert.Throws<ArgumentOutOfRangeException>(() => new BackoffOptions { JitterFactor = 1.5 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new BackoffOptions { JitterFactor = -0.1 });
    }

    [Fact]
    public void S1_retry_resubscribes_after_exponential_delays_capped_at_the_max()
    {
        var scheduler = new TestScheduler();
        var failure = new InvalidOperationException("broker down");
        var xs = scheduler.CreateColdObservable(OnError<int>(10, failure));

        var res = scheduler.Start(() => xs.RetryWithBackoff(Ticks100To800NoJitter, scheduler), 3000);

        // Fails 10 ticks after each subscription, then waits 100, 200, 400, 800, 800, ...
        res.Messages.AssertEqual();
        xs.Subscriptions.AssertEqual(
            Subscribe(200, 210),
            Subscribe(310, 320),
            Subscribe(520, 530),
            Subscribe(930, 940),
            Subscribe(1740, 1750),
            Subscribe(2550, 2560));
    }

    [Fact]
    public void S1_retry_with_jitter_resubscribes_at_the_times_the_seeded_random_gives()
    {
        var scheduler = new TestScheduler();
        var options = new BackoffOptions { Base = TimeSpan.FromTicks(1000), Max = TimeSpan.FromTicks(20_000), JitterFactor = 0.2 };
        var xs = scheduler.CreateColdObservable(OnError<int>(1, new TimeoutException()));

        scheduler.Start(() => xs.RetryWithBackoff(options, scheduler, random: new Random(99)), 100_000);

        var samples = new Random(99);
        var expected = new List<Subscription>();
        for (long at = 200, attempt = 0; at < 100_000; attempt++)
        {
            expected.Add(Subscribe(at, at + 1));
            var delay = Backoff.Compute(options, (int)attempt, samples.NextDouble()).Ticks;
            var nominal = Math.Min(20_000, 1000 << (int)Math.Min(attempt, 10));
            Assert.InRange(delay, (long)(nominal * 0.8), (long)(nominal * 1.2));
            at += 1 + delay;
        }

        xs.Subscriptions.AssertEqual(expected.ToArray());
    }

    [Fact]
    public void S1_an_element_resets_the_backoff()
    {
        var scheduler = new TestScheduler();
        var failure = new IOException("connection reset");
        var attempt = 0;
        var subscribedAt = new List<long>();

        // Attempts 1 and 2 fail at once; attempt 3 connects (emits) and then fails; attempt 4 fails.
        var source = Observable.Defer(() =>
        {
            subscribedAt.Add(scheduler.Clock);
            return ++attempt == 3
                ? scheduler.CreateColdObservable(OnNext(5, attempt), OnError<int>(50, failure))
                : scheduler.CreateColdObservable(OnError<int>(0, failure));
        });

        var res = scheduler.Start(() => source.RetryWithBackoff(Ticks100To800NoJitter, scheduler), 1000);

        // A cold notification due "now" lands one tick later (the TestScheduler's rule), so:
        // 200 fails 201, +100 -> 301 fails 302, +200 -> 502 emits 507 and fails 552,
        // reset: +100 -> 652 fails 653, +200 -> 853.
        Assert.Equal([200, 301, 502, 652, 853], subscribedAt);
        res.Messages.AssertEqual(OnNext(507, 3));
    }

    [Fact]
    public void S1_synchronous_failures_are_retried_on_the_scheduler()
    {
        var scheduler = new TestScheduler();
        var subscribedAt = new List<long>();
        var source = Observable.Defer(() =>
        {
            subscribedAt.Add(scheduler.Clock);
            return Observable.Throw<int>(new IOException("refused"));
        });

        scheduler.Start(() => source.RetryWithBackoff(Ticks100To800NoJitter, scheduler), 1000);

        Assert.Equal([200, 300, 500, 900], subscribedAt);
    }

    [Fact]
    public void S1_errors_that_should_not_be_retried_end_the_sequence()
    {
        var scheduler = new TestScheduler();
        var fatal = new KafkaConfigException("bootstrap.servers", "bad");
        var xs = scheduler.CreateColdObservable(OnNext(5, 1), OnError<int>(10, fatal));

        var res = scheduler.Start(() => xs.RetryWithBackoff(Ticks100To800NoJitter, scheduler, e => e is not KafkaConfigException));

        res.Messages.AssertEqual(OnNext(205, 1), OnError<int>(210, fatal));
        xs.Subscriptions.AssertEqual(Subscribe(200, 210));
    }

    [Fact]
    public void S1_a_failing_predicate_ends_the_sequence_with_its_error()
    {
        var scheduler = new TestScheduler();
        var predicateError = new InvalidOperationException("predicate failed");
        var xs = scheduler.CreateColdObservable(OnError<int>(10, new IOException()));

        var res = scheduler.Start(() => xs.RetryWithBackoff(Ticks100To800NoJitter, scheduler, _ => throw predicateError));

        res.Messages.AssertEqual(OnError<int>(210, predicateError));
    }

    [Fact]
    public void S1_completion_passes_through_and_disposal_stops_retrying()
    {
        var scheduler = new TestScheduler();
        var xs = scheduler.CreateColdObservable(OnNext(10, 1), OnCompleted<int>(20));
        var res = scheduler.Start(() => xs.RetryWithBackoff(Ticks100To800NoJitter, scheduler));
        res.Messages.AssertEqual(OnNext(210, 1), OnCompleted<int>(220));

        // Disposed at 450 while waiting 200 ticks after the failure at 320: no resubscription at 520.
        var failing = scheduler.CreateColdObservable(OnError<int>(10, new IOException()));
        var start = scheduler.Clock;
        var subscription = failing.RetryWithBackoff(Ticks100To800NoJitter, scheduler).Subscribe(_ => { }, _ => { });
        scheduler.AdvanceBy(250);
        subscription.Dispose();
        scheduler.AdvanceBy(10_000);

        failing.Subscriptions.AssertEqual(Subscribe(start, start + 10), Subscribe(start + 110, start + 120));
    }
}
