using System.Reactive;

namespace RxKafka.Testing;

/// <summary>
/// Base class for virtual-time tests: derive from it to bring <see cref="OnNext{T}(long, T)"/>,
/// <see cref="OnCompleted{T}(long)"/>, <see cref="Subscribe(long, long)"/> and the standard times
/// into scope. Drop-in replacement for Microsoft.Reactive.Testing's <c>ReactiveTest</c>.
/// </summary>
public class ReactiveTest
{
    /// <summary>The default virtual time, in ticks, at which <see cref="TestScheduler.Start{T}(Func{IObservable{T}})"/> creates the query.</summary>
    public const long Created = 100;

    /// <summary>The default virtual time, in ticks, at which <see cref="TestScheduler.Start{T}(Func{IObservable{T}})"/> subscribes.</summary>
    public const long Subscribed = 200;

    /// <summary>The default virtual time, in ticks, at which <see cref="TestScheduler.Start{T}(Func{IObservable{T}})"/> disposes the subscription.</summary>
    public const long Disposed = 1000;

    /// <summary>An OnNext notification with <paramref name="value"/> at <paramref name="ticks"/>.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="ticks">The virtual time, in ticks.</param>
    /// <param name="value">The value.</param>
    /// <returns>The recorded notification.</returns>
    public static Recorded<Notification<T>> OnNext<T>(long ticks, T value) =>
        new(ticks, Notification.CreateOnNext(value));

    /// <summary>
    /// An expected OnNext at <paramref name="ticks"/> that matches any value satisfying
    /// <paramref name="predicate"/>. Use it on the expected side of an assertion only.
    /// </summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="ticks">The virtual time, in ticks.</param>
    /// <param name="predicate">Decides whether an actual value matches.</param>
    /// <returns>The recorded expectation.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="predicate"/> is null.</exception>
    public static Recorded<Notification<T>> OnNext<T>(long ticks, Func<T, bool> predicate)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        return new(ticks, new OnNextPredicate<T>(predicate));
    }

    /// <summary>An OnCompleted notification at <paramref name="ticks"/>.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="ticks">The virtual time, in ticks.</param>
    /// <returns>The recorded notification.</returns>
    public static Recorded<Notification<T>> OnCompleted<T>(long ticks) =>
        new(ticks, Notification.CreateOnCompleted<T>());

    /// <summary>An OnCompleted notification at <paramref name="ticks"/>, with <typeparamref name="T"/> inferred from <paramref name="witness"/>.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="ticks">The virtual time, in ticks.</param>
    /// <param name="witness">Any value of the element type; only its type is used.</param>
    /// <returns>The recorded notification.</returns>
    public static Recorded<Notification<T>> OnCompleted<T>(long ticks, T witness) =>
        OnCompleted<T>(ticks);

    /// <summary>An OnError notification with <paramref name="exception"/> at <paramref name="ticks"/>.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="ticks">The virtual time, in ticks.</param>
    /// <param name="exception">The error; an actual OnError matches when its exception is equal (by default, the same instance).</param>
    /// <returns>The recorded notification.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="exception"/> is null.</exception>
    public static Recorded<Notification<T>> OnError<T>(long ticks, Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return new(ticks, Notification.CreateOnError<T>(exception));
    }

    /// <summary>
    /// An expected OnError at <paramref name="ticks"/> that matches any exception satisfying
    /// <paramref name="predicate"/>. Use it on the expected side of an assertion only.
    /// </summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="ticks">The virtual time, in ticks.</param>
    /// <param name="predicate">Decides whether an actual exception matches.</param>
    /// <returns>The recorded expectation.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="predicate"/> is null.</exception>
    public static Recorded<Notification<T>> OnError<T>(long ticks, Func<Exception, bool> predicate)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        return new(ticks, new OnErrorPredicate<T>(predicate));
    }

    /// <summary>An OnError notification at <paramref name="ticks"/>, with <typeparamref name="T"/> inferred from <paramref name="witness"/>.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="ticks">The virtual time, in ticks.</param>
    /// <param name="exception">The error.</param>
    /// <param name="witness">Any value of the element type; only its type is used.</param>
    /// <returns>The recorded notification.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="exception"/> is null.</exception>
    public static Recorded<Notification<T>> OnError<T>(long ticks, Exception exception, T witness) =>
        OnError<T>(ticks, exception);

    /// <summary>An expected OnError matched by <paramref name="predicate"/>, with <typeparamref name="T"/> inferred from <paramref name="witness"/>.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="ticks">The virtual time, in ticks.</param>
    /// <param name="predicate">Decides whether an actual exception matches.</param>
    /// <param name="witness">Any value of the element type; only its type is used.</param>
    /// <returns>The recorded expectation.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="predicate"/> is null.</exception>
    public static Recorded<Notification<T>> OnError<T>(long ticks, Func<Exception, bool> predicate, T witness) =>
        OnError<T>(ticks, predicate);

    /// <summary>A subscription made at <paramref name="start"/> and disposed at <paramref name="end"/>.</summary>
    /// <param name="start">The virtual time, in ticks, of the subscription.</param>
    /// <param name="end">The virtual time, in ticks, of the disposal.</param>
    /// <returns>The subscription.</returns>
    public static Subscription Subscribe(long start, long end) => new(start, end);

    /// <summary>A subscription made at <paramref name="start"/> and never disposed.</summary>
    /// <param name="start">The virtual time, in ticks, of the subscription.</param>
    /// <returns>The subscription, ending at <see cref="Subscription.Infinite"/>.</returns>
    public static Subscription Subscribe(long start) => new(start);
}
