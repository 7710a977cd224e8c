using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using System.Reactive.Linq;

namespace RxKafka.Reactive;

/// <summary>Reactive retry with exponential backoff.</summary>
internal static class BackoffObservableExtensions
{
    /// <summary>
    /// Resubscribes to <paramref name="source"/> after it fails, waiting a backoff delay on
    /// <paramref name="scheduler"/> first. The delays grow as <paramref name="options"/> describe and
    /// start again from the base delay once the source produces an element (a success).
    /// </summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="source">The sequence to retry, e.g. one that connects and then emits the connection.</param>
    /// <param name="options">Base, maximum and jitter.</param>
    /// <param name="scheduler">Where the delays run (a TestScheduler in tests).</param>
    /// <param name="shouldRetry">Decides whether an error is retried; <see langword="null"/> retries every error. An error it refuses ends the sequence.</param>
    /// <param name="random">The jitter's source; <see cref="Random.Shared"/> when <see langword="null"/>.</param>
    /// <returns>The source's elements across resubscriptions; it completes when the source completes.</returns>
    public static IObservable<T> RetryWithBackoff<T>(
        this IObservable<T> source,
        BackoffOptions options,
        IScheduler scheduler,
        Func<Exception, bool>? shouldRetry = null,
        Random? random = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(scheduler);

        return Observable.Create<T>(observer =>
        {
            var backoff = new Backoff(options, random);
            var current = new SerialDisposable();

            void Subscribe()
            {
                // A fresh holder per attempt: a source that fails during Subscribe replaces it with
                // the timer, and the late assignment below then lands on a disposed holder.
                var attempt = new SingleAssignmentDisposable();
                current.Disposable = attempt;
                attempt.Disposable = source.SubscribeSafe(System.Reactive.Observer.Create<T>(
                    value =>
                    {
                        backoff.Reset();
                        observer.OnNext(value);
                    },
                    error =>
                    {
                        bool retry;
                        try
                        {
                            retry = shouldRetry?.Invoke(error) ?? true;
                        }
                        catch (Exception predicateError)
                        {
                            observer.OnError(predicateError);
                            return;
                        }

                        if (!retry)
                        {
                            observer.OnError(error);
                            return;
                        }

                        current.Disposable = scheduler.Schedule(backoff.NextDelay(), Subscribe);
                    },
                    observer.OnCompleted));
            }

            Subscribe();
            return current;
        });
    }
}
