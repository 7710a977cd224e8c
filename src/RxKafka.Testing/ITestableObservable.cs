using System.Reactive;

namespace RxKafka.Testing;

/// <summary>
/// An observable that plays scripted notifications in virtual time and records when observers
/// subscribed to it and when they unsubscribed.
/// </summary>
/// <typeparam name="T">The element type.</typeparam>
public interface ITestableObservable<T> : IObservable<T>
{
    /// <summary>Gets one entry per subscription made so far, in subscription order.</summary>
    IList<Subscription> Subscriptions { get; }

    /// <summary>Gets the scripted notifications (absolute times for hot observables, relative for cold ones).</summary>
    IList<Recorded<Notification<T>>> Messages { get; }
}
