using System.Reactive.Linq;
using System.Reactive.Subjects;
using Microsoft.Reactive.Testing;
using RxKafka.Reactive;

namespace RxKafka.Tests.Reactive;

/// <summary>
/// The correlated zip in marbles (C5): the n-th response answers the n-th request; a response that does
/// not match, or that comes with no request in flight, breaks the stream, and from then on every request
/// comes out unanswered exactly once; the requests' completion waits for the answers in flight. Subscriptions
/// show when each side is let go. One test drives it from three real threads.
/// </summary>
public sealed class CorrelatedZipTests : ReactiveTest
{
    private static readonly Exception Mismatch = new InvalidOperationException("mismatch");
    private static readonly Exception Unsolicited = new InvalidOperationException("unsolicited");

    private static IObservable<string> Zip(IObservable<int> requests, IObservable<int> responses) =>
        new CorrelatedZip<int, int>(requests, responses, (request, response) => request == response ? null : Mismatch, _ => Unsolicited)
            .Select(c => c.Outcome switch
            {
                Correlated<int, int>.Kind.Answered => $"answered {c.Request}",
                Correlated<int, int>.Kind.Unanswered => $"unanswered {c.Request}: {c.Error!.Message}",
                _ => $"broken: {c.Error!.Message}",
            });

    [Fact]
    public void C5_each_response_answers_the_oldest_request_in_flight()
    {
        var scheduler = new TestScheduler();
        var requests = scheduler.CreateHotObservable(OnNext(210, 1), OnNext(220, 2), OnNext(230, 3), OnCompleted<int>(300));
        var responses = scheduler.CreateHotObservable(OnNext(240, 1), OnNext(250, 2), OnNext(320, 3));

        var res = scheduler.Start(() => Zip(requests, responses));

        // The requests completed at 300 with 3 in flight: the output ends with its answer.
        res.Messages.AssertEqual(OnNext(240, "answered 1"), OnNext(250, "answered 2"), OnNext(320, "answered 3"), OnCompleted<string>(320));
        requests.Subscriptions.AssertEqual(Subscribe(200, 300));
        responses.Subscriptions.AssertEqual(Subscribe(200, 320));
    }

    [Fact]
    public void C5_a_response_that_does_not_match_breaks_the_stream_and_every_request_comes_out_unanswered()
    {
        var scheduler = new TestScheduler();
        var requests = scheduler.CreateHotObservable(OnNext(210, 1), OnNext(220, 2), OnNext(260, 3), OnCompleted<int>(300));
        var responses = scheduler.CreateHotObservable(OnNext(230, 1), OnNext(240, 7), OnNext(250, 2));

        var res = scheduler.Start(() => Zip(requests, responses));

        res.Messages.AssertEqual(
            OnNext(230, "answered 1"),
            OnNext(240, "broken: mismatch"),
            OnNext(240, "unanswered 2: mismatch"),
            OnNext(260, "unanswered 3: mismatch"),
            OnCompleted<string>(300));
        requests.Subscriptions.AssertEqual(Subscribe(200, 300));
        // No response matters after the break: the responses are let go at once.
        responses.Subscriptions.AssertEqual(Subscribe(200, 240));
    }

    [Fact]
    public void C5_a_response_with_no_request_in_flight_breaks_the_stream()
    {
        var scheduler = new TestScheduler();
        var requests = scheduler.CreateHotObservable(OnNext(220, 1));
        var responses = scheduler.CreateHotObservable(OnNext(210, 9));

        var res = scheduler.Start(() => Zip(requests, responses));

        res.Messages.AssertEqual(OnNext(210, "broken: unsolicited"), OnNext(220, "unanswered 1: unsolicited"));
        requests.Subscriptions.AssertEqual(Subscribe(200, 1000));
        responses.Subscriptions.AssertEqual(Subscribe(200, 210));
    }

    [Fact]
    public void C5_the_end_of_the_responses_leaves_the_requests_in_flight_unanswered_with_its_error()
    {
        var scheduler = new TestScheduler();
        var closed = new IOException("closed");
        var requests = scheduler.CreateHotObservable(OnNext(210, 1), OnNext(220, 2), OnCompleted<int>(260));
        var responses = scheduler.CreateHotObservable(OnNext(230, 1), OnError<int>(240, closed));

        var res = scheduler.Start(() => Zip(requests, responses));

        res.Messages.AssertEqual(OnNext(230, "answered 1"), OnNext(240, "broken: closed"), OnNext(240, "unanswered 2: closed"), OnCompleted<string>(260));
        requests.Subscriptions.AssertEqual(Subscribe(200, 260));
        responses.Subscriptions.AssertEqual(Subscribe(200, 240));
    }

    [Fact]
    public void C5_an_error_of_the_requests_fails_those_in_flight_with_it_and_ends_the_output()
    {
        var scheduler = new TestScheduler();
        var shutdown = new ObjectDisposedException("connection");
        var requests = scheduler.CreateHotObservable(OnNext(210, 1), OnNext(220, 2), OnError<int>(240, shutdown));
        var responses = scheduler.CreateHotObservable(OnNext(230, 1), OnNext(250, 2));

        var res = scheduler.Start(() => Zip(requests, responses));

        res.Messages.AssertEqual(OnNext(230, "answered 1"), OnNext(240, $"unanswered 2: {shutdown.Message}"), OnError<string>(240, shutdown));
        requests.Subscriptions.AssertEqual(Subscribe(200, 240));
        responses.Subscriptions.AssertEqual(Subscribe(200, 240));
    }

    [Fact]
    public void Disposing_the_output_lets_go_of_both_streams()
    {
        var scheduler = new TestScheduler();
        var requests = scheduler.CreateHotObservable(OnNext(210, 1), OnNext(220, 2));
        var responses = scheduler.CreateHotObservable(OnNext(230, 1), OnNext(260, 2));

        var res = scheduler.Start(() => Zip(requests, responses), created: 100, subscribed: 200, disposed: 250);

        res.Messages.AssertEqual(OnNext(230, "answered 1"));
        requests.Subscriptions.AssertEqual(Subscribe(200, 250));
        responses.Subscriptions.AssertEqual(Subscribe(200, 250));
    }

    [Fact]
    public async Task C5_with_real_threads_every_request_comes_out_exactly_once_and_outcomes_never_overlap()
    {
        for (var run = 0; run < 20; run++)
        {
            const int Count = 20_000;
            var requests = new Subject<int>();
            var responses = new Subject<int>();
            var outcomes = new int[Count];
            var emitting = 0;
            var overlaps = 0;
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using var subscription = new CorrelatedZip<int, int>(requests, responses, (q, r) => q == r ? null : Mismatch, _ => Unsolicited).Subscribe(
                c =>
                {
                    if (Interlocked.Increment(ref emitting) != 1)
                    {
                        Interlocked.Increment(ref overlaps);
                    }

                    if (c.Outcome != Correlated<int, int>.Kind.Broken)
                    {
                        Interlocked.Increment(ref outcomes[c.Request]);
                    }

                    Interlocked.Decrement(ref emitting);
                },
                e => done.TrySetException(e),
                () => done.TrySetResult());

            // One thread sends, one answers what was sent, and a third breaks the responses partway.
            var sent = 0;
            var breakAt = Random.Shared.Next(Count / 4, Count);
            var sender = Task.Run(() =>
            {
                for (var i = 0; i < Count; i++)
                {
                    requests.OnNext(i);
                    Volatile.Write(ref sent, i + 1);
                }

                requests.OnCompleted();
            }, TestContext.Current.CancellationToken);
            var answerer = Task.Run(() =>
            {
                for (var i = 0; i < Count; i++)
                {
                    SpinWait.SpinUntil(() => Volatile.Read(ref sent) > i);
                    responses.OnNext(i);
                }
            }, TestContext.Current.CancellationToken);
            var breaker = Task.Run(() =>
            {
                SpinWait.SpinUntil(() => Volatile.Read(ref sent) >= breakAt);
                responses.OnError(new IOException("closed"));
            }, TestContext.Current.CancellationToken);

            await Task.WhenAll(sender, answerer, breaker).WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
            await done.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
            Assert.Equal(0, overlaps);
            Assert.All(outcomes, n => Assert.Equal(1, n));
        }
    }
}
